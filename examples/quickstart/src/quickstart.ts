/**
 * The path a one-stop-shop integration walks, over plain HTTP: open a receipt for a dossier's fee,
 * read its VietQR, let the bank's callback pay it, and see what the server does with a repeated and
 * a forged callback. Only `fetch`, `node:crypto` and `@thuphi/qr` are used, as an integrator would.
 */
import { createHmac } from 'node:crypto';
import { decode } from '@thuphi/qr';

export interface QuickstartOptions {
  baseUrl: string;
  apiKey: string;
  callbackSecret: string;
  log?: (line: string) => void;
}

export interface QuickstartResult {
  receiptId: string;
  amount: number;
  reference: string;
  receiptNumber: string;
  statuses: { created: string; afterCallback: string; repeat: number; forged: number };
}

/** The generic callback signature: `t=<unix seconds>,v1=hex(HMAC-SHA256(secret, "<t>.<raw body>"))`. */
export function sign(body: string, secret: string, t = Math.floor(Date.now() / 1000)): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

// biome-ignore lint/suspicious/noExplicitAny: a demo script reads the server's JSON loosely, as a caller would.
type Json = any;

async function call(url: string, init: RequestInit): Promise<{ status: number; body: Json }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

function expectStatus(step: string, got: number, want: number, body: unknown): void {
  if (got !== want) throw new Error(`${step}: expected HTTP ${want}, got ${got}: ${JSON.stringify(body)}`);
}

export async function runQuickstart(options: QuickstartOptions): Promise<QuickstartResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const base = options.baseUrl.replace(/\/$/, '');
  const auth = { Authorization: `Bearer ${options.apiKey}`, 'Content-Type': 'application/json' };

  log(
    '1. Mở phiếu thu cho hồ sơ chứng thực bản sao 5 trang (open a receipt for a 5-page copy certification)',
  );
  const created = await call(`${base}/v1/receipts`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({
      dossierCode: 'H23.25-QUICKSTART-0001',
      payer: { name: 'Nguyễn Văn An' },
      fee: {
        channel: 'counter',
        items: [{ procedure: 'chung-thuc-ban-sao', quantities: { pages: 5, copies: 1 } }],
      },
    }),
  });
  expectStatus('open receipt', created.status, 201, created.body);
  const receipt = created.body;
  log(
    `   receipt ${receipt.id}: ${receipt.amount} đ, reference ${receipt.reference}, status ${receipt.status}`,
  );
  for (const line of receipt.lines) log(`   - ${line.name}: ${line.amount} đ (${line.basis.document})`);

  log('2. Đọc mã VietQR trên phiếu (decode the receipt QR as a banking app would)');
  const qr = decode(receipt.qr.payload);
  if (!qr.ok) throw new Error(`the receipt QR does not decode: ${JSON.stringify(qr.errors)}`);
  log(
    `   bank BIN ${qr.value.bin}, account ${qr.value.account}, amount ${qr.value.amount} đ, memo "${qr.value.purpose}"`,
  );
  if (qr.value.amount !== receipt.amount || !qr.value.purpose?.startsWith(receipt.reference)) {
    throw new Error('the QR does not carry the receipt amount and reference');
  }

  log('3. Ngân hàng báo có qua callback có chữ ký (the bank posts a signed credit callback)');
  const credit = JSON.stringify({
    transactionId: `FT${Date.now()}`,
    accountNumber: qr.value.account,
    amount: qr.value.amount,
    memo: `MBVCB.123456.${qr.value.purpose}.CT tu 0071000123456 NGUYEN VAN AN`,
    bookedAt: new Date().toISOString(),
  });
  const callback = (signature: string) =>
    call(`${base}/v1/callbacks/generic`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Thuphi-Signature': signature },
      body: credit,
    });
  const signature = sign(credit, options.callbackSecret);
  const first = await callback(signature);
  expectStatus('callback', first.status, 200, first.body);
  const [recorded] = first.body.credits;
  log(`   acknowledged: credit ${recorded.creditId}, matched ${recorded.match?.matched}`);

  log('4. Phiếu thu đã thanh toán (the receipt is now paid)');
  const after = await call(`${base}/v1/receipts/${receipt.id}`, { headers: auth });
  expectStatus('read receipt', after.status, 200, after.body);
  log(`   status ${after.body.status}, receipt number ${after.body.receiptNumber}`);
  if (after.body.status !== 'paid') throw new Error(`expected the receipt paid, it is ${after.body.status}`);

  log('5. Ngân hàng gửi lại cùng callback (the same callback delivered again)');
  const repeat = await callback(signature);
  expectStatus('repeated callback', repeat.status, 200, repeat.body);
  log(`   HTTP ${repeat.status}, duplicate ${repeat.body.duplicate}: nothing new recorded`);

  log('6. Callback giả mạo chữ ký (a forged signature)');
  const forged = await callback(sign(credit, 'not-the-secret'));
  expectStatus('forged callback', forged.status, 401, forged.body);
  log(`   HTTP ${forged.status} ${forged.body.code}: ${forged.body.message.vi}`);

  log('Xong: the dossier fee went from assessment to a numbered, paid receipt.');
  return {
    receiptId: receipt.id,
    amount: receipt.amount,
    reference: receipt.reference,
    receiptNumber: after.body.receiptNumber,
    statuses: {
      created: receipt.status,
      afterCallback: after.body.status,
      repeat: repeat.status,
      forged: forged.status,
    },
  };
}
