/**
 * @module The counter display, `/counter/{receiptId}`: a tablet facing the citizen shows the VietQR
 * card, the amount and what the receipt is for, and turns green (ĐÃ THANH TOÁN) the moment the bank's
 * credit is matched. The tablet holds no API key: the receipt's random id is the capability, and the
 * page and its event stream show nothing beyond what is printed on the card.
 */
import { DEMO_NOTICE } from '@thuphi/fee-core';
import { formatDong, renderCounterCard } from '@thuphi/qr';
import { Router } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { findCounterReceipt, type Receipt, type ReceiptStatus } from '../../receipts/receipts.js';
import { escapeHtml } from '../../shared/html.js';
import { type StreamTiming, statusEventOf, streamReceiptStatus } from '../routes/receipt-events.js';
import { FONT_STACK, messagePage, newNonce, sendPage } from './html.js';

const receiptId = z.uuid();

/** Big words for each state, readable from across the counter. */
export const COUNTER_STATE_TEXT: Record<ReceiptStatus, string> = {
  open: 'CHỜ THANH TOÁN',
  partially_paid: 'ĐÃ NHẬN MỘT PHẦN',
  paid: 'ĐÃ THANH TOÁN',
  void: 'PHIẾU THU ĐÃ HUỶ',
  exempt: 'MIỄN PHÍ, LỆ PHÍ',
};

/** The receipt behind a counter URL, whichever agency it belongs to (the id is the capability). */
async function counterReceipt(
  db: Knex,
  rawId: unknown,
): Promise<{ receipt: Receipt; agencyName: string } | undefined> {
  const id = receiptId.safeParse(rawId);
  return id.success ? findCounterReceipt(db, id.data) : undefined;
}

function detailText(receipt: Receipt): string {
  switch (receipt.status) {
    case 'open':
      return 'Quét mã QR bằng ứng dụng ngân hàng. Màn hình sẽ tự chuyển sang ĐÃ THANH TOÁN khi ngân hàng báo có.';
    case 'partially_paid':
      return `Đã nhận ${formatDong(receipt.paidAmount)}, còn thiếu ${formatDong(receipt.outstanding)}. Vui lòng liên hệ cán bộ tiếp nhận.`;
    case 'paid':
      return receipt.receiptNumber ? `Số biên lai: ${receipt.receiptNumber}` : 'Cảm ơn ông/bà.';
    case 'void':
      return 'Không thanh toán theo phiếu này. Vui lòng liên hệ cán bộ tiếp nhận.';
    case 'exempt':
      return 'Hồ sơ này không phải nộp phí, lệ phí.';
  }
}

/** Renders the whole page; everything shown that came from a person or a bank is escaped. */
export async function renderCounterPage(
  receipt: Receipt,
  agencyName: string,
  nonce: string,
): Promise<string> {
  const card =
    receipt.qrPayload && receipt.collectionAccount
      ? await renderCounterCard({
          payload: receipt.qrPayload,
          amount: receipt.amount,
          accountName: receipt.collectionAccount.accountName,
          dossierCode: receipt.dossierCode,
        })
      : '';
  const eventsUrl = `/counter/${receipt.id}/events`;
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>Thanh toán phí, lệ phí – ${escapeHtml(receipt.dossierCode)}</title>
<style nonce="${nonce}">${COUNTER_CSS}</style>
</head>
<body data-state="${receipt.status}" data-events="${escapeHtml(eventsUrl)}">
<header><span class="agency">${escapeHtml(agencyName)}${receipt.example ? ` <span class="example">— ${escapeHtml(DEMO_NOTICE)}</span>` : ''}</span><span class="conn" id="conn" hidden>Mất kết nối – đang kết nối lại…</span></header>
<main>
<section class="card" aria-label="Mã VietQR">${card}</section>
<section class="info">
<p class="state" id="state">${escapeHtml(COUNTER_STATE_TEXT[receipt.status])}</p>
<p class="label">Số tiền</p>
<p class="amount" id="amount">${escapeHtml(formatDong(receipt.amount))}</p>
<p class="label">Mã hồ sơ</p>
<p class="value">${escapeHtml(receipt.dossierCode)}</p>
<p class="label">Người nộp</p>
<p class="value">${escapeHtml(receipt.payer.name)}</p>
<p class="detail" id="detail">${escapeHtml(detailText(receipt))}</p>
</section>
</main>
<script nonce="${nonce}">${COUNTER_SCRIPT}</script>
</body>
</html>`;
}

const COUNTER_CSS = `
*{box-sizing:border-box}
html,body{margin:0;height:100%}
body{font-family:${FONT_STACK};background:#eef2f8;color:#14202e;display:flex;flex-direction:column}
[hidden]{display:none!important}
header{display:flex;justify-content:space-between;align-items:center;gap:1rem;padding:.6rem 1.2rem;
background:#1f4e9c;color:#fff;font-size:clamp(1rem,2.2vw,1.6rem);font-weight:600}
.conn{background:#ffd54f;color:#3b2c00;border-radius:.4rem;padding:.1rem .6rem;font-size:.9em}
main{flex:1;display:flex;align-items:center;align-items:safe center;justify-content:center;gap:3vw;
padding:2vh 3vw;min-height:0;overflow:auto}
.card{height:100%;max-height:calc(100vh - 5rem);display:flex;align-items:center}
.card svg{height:100%;width:auto;max-width:46vw;max-height:calc(100vh - 6rem)}
.info{flex:1;max-width:48rem;min-width:0}
.info p{margin:0}
.state{display:inline-block;font-size:clamp(1.6rem,4.2vw,3.6rem);font-weight:800;letter-spacing:.02em;
padding:.2em .6em;border-radius:.4em;background:#1f4e9c;color:#fff;margin-bottom:3vh!important}
.label{font-size:clamp(1rem,2vw,1.6rem);color:#4a5a70;margin-top:2vh!important}
.amount{font-size:clamp(2.6rem,8vw,7rem);font-weight:800;color:#b00020;line-height:1.05;
font-variant-numeric:tabular-nums}
.value{font-size:clamp(1.4rem,3.4vw,2.8rem);font-weight:700;overflow-wrap:anywhere}
.detail{font-size:clamp(1.1rem,2.4vw,2rem);margin-top:4vh!important;color:#24364d}
body[data-state=paid]{background:#0f7b3a;color:#fff}
body[data-state=paid] header{background:#0a5c2b}
body[data-state=paid] .card,body[data-state=partially_paid] .card,body[data-state=void] .card,
body[data-state=exempt] .card{display:none}
body[data-state=paid] .info{max-width:none;text-align:center}
body[data-state=paid] .state{background:#fff;color:#0f7b3a;font-size:clamp(2.2rem,6.5vw,6rem);white-space:nowrap}
body[data-state=paid] .amount{font-size:clamp(2.2rem,6vw,5.5rem)}
body[data-state=paid] .value{font-size:clamp(1.2rem,2.8vw,2.4rem)}
body[data-state=paid] .detail{font-size:clamp(1.4rem,3.4vw,3rem);font-weight:800;margin-top:3vh!important}
body[data-state=paid] .state::before{content:"\\2714\\FE0E  "}
body[data-state=paid] .amount,body[data-state=paid] .label,body[data-state=paid] .detail{color:#fff}
body[data-state=partially_paid]{background:#fff4e0}
body[data-state=partially_paid] .state{background:#c25e00}
body[data-state=void]{background:#e4e4e4}
body[data-state=void] .state{background:#5b5b5b}
body[data-state=void] .amount{color:#5b5b5b;text-decoration:line-through}
body[data-state=exempt] .state{background:#0f7b3a}
@media (orientation:portrait){main{flex-direction:column}.card svg{max-width:90vw;max-height:55vh}
.info{text-align:center}}
`;

// Plain ES5 on purpose: counter tablets are often old Android devices with old WebViews.
const COUNTER_SCRIPT = `
(function () {
  var body = document.body;
  var TEXT = ${JSON.stringify(COUNTER_STATE_TEXT)};
  function dong(n) {
    var s = String(Math.abs(Math.trunc(n))).replace(/\\B(?=(\\d{3})+(?!\\d))/g, '.');
    return (n < 0 ? '-' : '') + s + ' \\u20ab';
  }
  function detail(r) {
    if (r.status === 'open') return 'Quét mã QR bằng ứng dụng ngân hàng. Màn hình sẽ tự chuyển sang ĐÃ THANH TOÁN khi ngân hàng báo có.';
    if (r.status === 'partially_paid') return 'Đã nhận ' + dong(r.paidAmount) + ', còn thiếu ' + dong(r.outstanding) + '. Vui lòng liên hệ cán bộ tiếp nhận.';
    if (r.status === 'paid') return r.receiptNumber ? 'Số biên lai: ' + r.receiptNumber : 'Cảm ơn ông/bà.';
    if (r.status === 'void') return 'Không thanh toán theo phiếu này. Vui lòng liên hệ cán bộ tiếp nhận.';
    return 'Hồ sơ này không phải nộp phí, lệ phí.';
  }
  function show(r) {
    if (!TEXT.hasOwnProperty(r.status)) return;
    body.setAttribute('data-state', r.status);
    document.getElementById('state').textContent = TEXT[r.status];
    document.getElementById('amount').textContent = dong(r.amount);
    document.getElementById('detail').textContent = detail(r);
  }
  if (!window.EventSource) return;
  var conn = document.getElementById('conn');
  var source = new EventSource(body.getAttribute('data-events'));
  function onEvent(e) {
    conn.hidden = true;
    try { show(JSON.parse(e.data)); } catch (err) { /* a malformed event changes nothing on screen */ }
  }
  var names = ['status', 'open', 'partially_paid', 'paid', 'void', 'exempt'];
  for (var i = 0; i < names.length; i++) source.addEventListener(names[i], onEvent);
  source.onopen = function () { conn.hidden = true; };
  source.onerror = function () { conn.hidden = false; };
})();
`;

/** The stream carries only what the page shows. */
function counterEventOf(receipt: Receipt) {
  const { paidAt: _, ...shown } = statusEventOf(receipt);
  return shown;
}

/** `/counter/{receiptId}` and its event stream. */
export function counterRouter(deps: { db: Knex; timing?: Partial<StreamTiming> }): Router {
  const router = Router();
  const notFound = (res: Parameters<typeof sendPage>[0]) => {
    const nonce = newNonce();
    sendPage(
      res,
      404,
      nonce,
      messagePage(
        nonce,
        'Không tìm thấy phiếu thu',
        'Đường dẫn màn hình quầy không đúng hoặc phiếu thu không tồn tại.',
      ),
    );
  };

  router.get('/:receiptId', async (req, res) => {
    const found = await counterReceipt(deps.db, req.params.receiptId);
    if (!found) return notFound(res);
    const nonce = newNonce();
    sendPage(res, 200, nonce, await renderCounterPage(found.receipt, found.agencyName, nonce));
  });

  router.get('/:receiptId/events', async (req, res) => {
    const found = await counterReceipt(deps.db, req.params.receiptId);
    if (!found) return notFound(res);
    const { receipt } = found;
    streamReceiptStatus(req, res, {
      subjectId: receipt.id,
      initial: counterEventOf(receipt),
      load: async () => {
        const now = await counterReceipt(deps.db, receipt.id);
        return now && counterEventOf(now.receipt);
      },
      timing: deps.timing,
    });
  });
  return router;
}
