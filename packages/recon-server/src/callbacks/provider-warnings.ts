/**
 * @module Warnings about callback modes that sign nothing. SePay's API-key mode (`Authorization:
 * Apikey …`) and Casso's webhook v1 (`secure-token: …`) send the agency's secret itself with every
 * request and bind neither the body nor the time: whoever sees one request (a proxy, a log) can
 * mint credits that pay receipts. The adapters still accept them (some accounts cannot switch), so
 * an agency whose callbacks arrive that way is told, in `GET /v1/agency`.
 */
import type { Knex } from 'knex';
import { CASSO_SIGNATURE_HEADER } from './providers/casso.js';
import { SEPAY_SIGNATURE_HEADER } from './providers/sepay.js';

/** How far back callbacks are looked at (and never before the provider's secret was last set). */
const LOOKBACK_DAYS = 30;

/** Each weak mode: its provider, the header whose absence marks it, and what the admin reads. */
const WEAK_MODES = {
  sepay_api_key_mode: {
    provider: 'sepay',
    signatureHeader: SEPAY_SIGNATURE_HEADER,
    message: {
      vi: 'SePay đang gửi thông báo theo chế độ API key: khoá bí mật đi kèm mỗi yêu cầu và không ký nội dung, nên ai có khoá này đều tạo được một khoản tiền vào để thanh toán biên lai. Hãy chuyển SePay sang chế độ HMAC (X-SePay-Signature) và đặt khoá bí mật mới.',
      en: 'SePay calls back in API-key mode: the secret travels with every request and signs nothing, so whoever holds it can mint a credit that pays a receipt. Switch SePay to HMAC mode (X-SePay-Signature) and set a new secret.',
    },
  },
  casso_v1_token: {
    provider: 'casso',
    signatureHeader: CASSO_SIGNATURE_HEADER,
    message: {
      vi: 'Casso đang gửi webhook phiên bản 1 (secure-token): mã bí mật đi kèm mỗi yêu cầu và không ký nội dung, nên ai có mã này đều tạo được một khoản tiền vào để thanh toán biên lai. Hãy chuyển sang webhook v2 có chữ ký (X-Casso-Signature) và đặt khoá checksum mới.',
      en: 'Casso calls back with webhook v1 (secure-token): the token travels with every request and signs nothing, so whoever holds it can mint a credit that pays a receipt. Switch to Casso webhook v2 (X-Casso-Signature) and set a new checksum key.',
    },
  },
} as const;

export type ProviderWarningCode = keyof typeof WEAK_MODES;

export interface ProviderWarning {
  code: ProviderWarningCode;
  provider: string;
  message: { vi: string; en: string };
  /** Credits that arrived that way since the secret was last set (at most the last 30 days). */
  credits: number;
  lastAt: string;
}

/**
 * The agency's callbacks that came in a mode that signs nothing, one warning per mode, counted
 * from its credits since the provider's secret was last set (a new secret ends the warning).
 *
 * @example
 * await providerWarnings(db, 'demo', clock.now()); // [{ code: 'sepay_api_key_mode', credits: 3, … }]
 */
export async function providerWarnings(db: Knex, agencyId: string, now: Date): Promise<ProviderWarning[]> {
  const since = new Date(now.getTime() - LOOKBACK_DAYS * 86_400_000);
  const warnings: ProviderWarning[] = [];
  for (const [code, mode] of Object.entries(WEAK_MODES) as [
    ProviderWarningCode,
    (typeof WEAK_MODES)[ProviderWarningCode],
  ][]) {
    const result = await db.raw(
      `SELECT count(bc.id) AS n, max(bc.created_at) AS last_at
       FROM (SELECT created_at FROM provider_settings WHERE agency_id = ? AND provider = ?
             ORDER BY id DESC LIMIT 1) s
       JOIN bank_credits bc ON bc.agency_id = ? AND bc.provider = ? AND bc.created_at >= greatest(s.created_at, ?)
       JOIN raw_callbacks rc ON rc.id = bc.raw_callback_id
       WHERE rc.headers ->> ? IS NULL`,
      [agencyId, mode.provider, agencyId, mode.provider, since, mode.signatureHeader],
    );
    const row = result.rows[0] as { n: string | number; last_at: string | Date | null } | undefined;
    const n = Number(row?.n ?? 0);
    if (n > 0 && row?.last_at) {
      warnings.push({
        code,
        provider: mode.provider,
        message: mode.message,
        credits: n,
        lastAt: new Date(row.last_at).toISOString(),
      });
    }
  }
  return warnings;
}
