/**
 * @module The one error type, thrown wherever a request, a command or a job can fail with a stable
 * code, and its RFC 9457 problem+json rendering. At the bottom of the layers: every layer throws it, the
 * HTTP edge renders it, the CLI prints it.
 */

/** Every error the API can answer with: a stable code, its HTTP status and the message in both languages. */
export const problems = {
  unauthorized: {
    status: 401,
    vi: 'Thiếu hoặc sai khoá API.',
    en: 'Missing or invalid API key.',
  },
  forbidden: {
    status: 403,
    vi: 'Khoá API không có quyền thực hiện thao tác này.',
    en: 'The API key is not allowed to do this.',
  },
  invalid_signature: {
    status: 401,
    vi: 'Chữ ký của thông báo ngân hàng không hợp lệ.',
    en: 'The callback signature is invalid.',
  },
  validation_failed: {
    status: 400,
    vi: 'Dữ liệu gửi lên không hợp lệ.',
    en: 'The request body is invalid.',
  },
  malformed_json: {
    status: 400,
    vi: 'Nội dung không phải JSON hợp lệ.',
    en: 'The body is not valid JSON.',
  },
  body_too_large: {
    status: 413,
    vi: 'Nội dung gửi lên quá lớn.',
    en: 'The request body is too large.',
  },
  unsupported_media_type: {
    status: 415,
    vi: 'Chỉ nhận nội dung JSON (application/json).',
    en: 'Only application/json bodies are accepted.',
  },
  fee_assessment_failed: {
    status: 422,
    vi: 'Không tính được phí, lệ phí cho hồ sơ.',
    en: 'The fee could not be assessed.',
  },
  rate_not_set: {
    status: 422,
    vi: 'Chưa có mức thu của thủ tục này có hiệu lực cho đơn vị vào ngày tính phí: cơ quan có thẩm quyền phải quy định mức thu, rồi nạp biểu phí mới.',
    en: 'No rate of this procedure is in force for the agency on that date: the competent body must set it, then a new schedule version must be uploaded.',
  },
  agency_has_no_unit: {
    status: 422,
    vi: 'Đơn vị chưa được gắn với xã/tỉnh trên bản đồ hành chính vào ngày này: quản trị nền tảng phải ghi đơn vị hành chính trước khi tính phí.',
    en: 'The agency has no administrative unit recorded for that date: the operator must record one before fees can be assessed.',
  },
  schedule_invalid: {
    status: 422,
    vi: 'Biểu phí không hợp lệ. Không có thay đổi nào được ghi.',
    en: 'The schedule is invalid. Nothing was changed.',
  },
  schedule_not_previewed: {
    status: 409,
    vi: 'Hãy xem trước biểu phí này (preview) rồi gửi lại kèm mã previewedHash của nó. Không có thay đổi nào được ghi.',
    en: 'Preview this schedule first, then apply it with its previewedHash. Nothing was changed.',
  },
  schedule_out_of_scope: {
    status: 403,
    vi: 'Biểu phí này nằm ngoài phạm vi được phép nạp (tầng quốc gia, hoặc tỉnh khác với tỉnh của đơn vị).',
    en: 'This schedule is outside what this key may upload (a national layer, or another province).',
  },
  no_collection_account: {
    status: 422,
    vi: 'Đơn vị chưa có tài khoản chuyên thu.',
    en: 'The agency has no collection account.',
  },
  not_found: {
    status: 404,
    vi: 'Không tìm thấy.',
    en: 'Not found.',
  },
  credit_conflict: {
    status: 409,
    vi: 'Giao dịch đã nhận trước đó với số tiền hoặc tài khoản khác.',
    en: 'This transaction id was received before with a different amount or account.',
  },
  conflict: {
    status: 409,
    vi: 'Thao tác không thực hiện được với trạng thái hiện tại.',
    en: 'The action conflicts with the current state.',
  },
  cash_amount_mismatch: {
    status: 422,
    vi: 'Số tiền mặt phải đúng bằng số tiền còn phải nộp của phiếu thu.',
    en: 'A cash payment must equal exactly what the receipt still owes.',
  },
  receipt_already_paid: {
    status: 409,
    vi: 'Phiếu thu đã được thanh toán đủ.',
    en: 'The receipt is already paid.',
  },
  receipt_not_payable: {
    status: 409,
    vi: 'Phiếu thu đã huỷ hoặc được miễn phí, lệ phí: không thu tiền.',
    en: 'The receipt is void or exempt and takes no money.',
  },
  nothing_to_deposit: {
    status: 409,
    vi: 'Không có tiền mặt nào đang giữ chờ nộp.',
    en: 'There is no cash in custody to deposit.',
  },
  not_reconciled: {
    status: 404,
    vi: 'Ngày này chưa được đối soát. Chạy đối soát trước (POST /v1/reconciliations).',
    en: 'This day has not been reconciled yet. Run it first (POST /v1/reconciliations).',
  },
  unknown_agency: {
    status: 404,
    vi: 'Không có đơn vị thu này.',
    en: 'No such agency.',
  },
  statement_unreadable: {
    status: 422,
    vi: 'Không đọc được tệp sao kê. Không có thay đổi nào được ghi.',
    en: 'The statement file cannot be read. Nothing was changed.',
  },
  statement_balance_mismatch: {
    status: 422,
    vi: 'Số dư đầu kỳ cộng phát sinh Có trừ phát sinh Nợ không bằng số dư cuối kỳ. Không có thay đổi nào được ghi.',
    en: 'Opening balance plus credits minus debits does not equal the closing balance. Nothing was changed.',
  },
  statement_wrong_account: {
    status: 422,
    vi: 'Sao kê không phải của tài khoản chuyên thu của đơn vị. Không có thay đổi nào được ghi.',
    en: "The statement is not for one of the agency's collection accounts. Nothing was changed.",
  },
  unsupported_statement_type: {
    status: 415,
    vi: 'Tệp sao kê gửi lên phải là CSV, XLSX, MT940 (text/plain) hoặc camt.053 (XML).',
    en: 'A statement must be sent as CSV, XLSX, MT940 (text/plain) or camt.053 (XML).',
  },
  operator_api_disabled: {
    status: 403,
    vi: 'Chưa cấu hình khoá quản trị nền tảng (THUPHI_ADMIN_KEY): không tạo được đơn vị thu qua API.',
    en: 'No platform operator key is configured (THUPHI_ADMIN_KEY): agencies cannot be created over the API.',
  },
  too_many_auth_failures: {
    status: 429,
    vi: 'Quá nhiều lần xác thực sai. Vui lòng thử lại sau.',
    en: 'Too many failed authentication attempts. Try again later.',
  },
  agency_exists: {
    status: 409,
    vi: 'Mã đơn vị thu này đã được dùng.',
    en: 'An agency with this id already exists.',
  },
  collection_account_taken: {
    status: 409,
    vi: 'Tài khoản chuyên thu này đã thuộc một đơn vị khác.',
    en: 'This collection account already belongs to an agency.',
  },
  api_key_expired: {
    status: 409,
    vi: 'Khoá API này đã hết hiệu lực hoặc đã bị thu hồi.',
    en: 'This API key has already expired or been revoked.',
  },
  internal: {
    status: 500,
    vi: 'Lỗi hệ thống. Không có thay đổi nào được ghi.',
    en: 'Internal error. Nothing was changed.',
  },
} as const satisfies Record<string, { status: number; vi: string; en: string }>;

export type ProblemCode = keyof typeof problems;

export interface ProblemDetail {
  /** Where in the input, e.g. `fee.items[0].quantities.pages`. */
  path?: string;
  message: string;
}

/**
 * The one error thrown inside request handling; the error middleware turns it into problem+json.
 *
 * @example
 * throw new AppError('not_found', { detail: `receipt ${id}` });
 */
export class AppError extends Error {
  readonly code: ProblemCode;
  readonly status: number;
  readonly detail: string | undefined;
  readonly errors: ProblemDetail[] | undefined;
  /** RFC 9457 extension members a client can act on, e.g. `{ expectedAmount: 7000 }`. */
  readonly extensions: Record<string, unknown> | undefined;

  constructor(
    code: ProblemCode,
    options: {
      detail?: string;
      errors?: ProblemDetail[];
      extensions?: Record<string, unknown>;
      cause?: unknown;
    } = {},
  ) {
    super(options.detail ? `${problems[code].en} ${options.detail}` : problems[code].en, {
      cause: options.cause,
    });
    this.name = 'AppError';
    this.code = code;
    this.status = problems[code].status;
    this.detail = options.detail;
    this.errors = options.errors;
    this.extensions = options.extensions;
  }
}

/** The JSON body of an `application/problem+json` answer. */
export function problemBody(error: AppError, instance?: string) {
  const p = problems[error.code];
  return {
    // Extensions first, so they can never overwrite a standard member.
    ...(error.extensions ?? {}),
    type: `urn:thuphi:problem:${error.code}`,
    title: p.en,
    status: error.status,
    code: error.code,
    message: { vi: p.vi, en: p.en },
    ...(error.detail ? { detail: error.detail } : {}),
    ...(error.errors ? { errors: error.errors } : {}),
    ...(instance ? { instance } : {}),
  };
}
