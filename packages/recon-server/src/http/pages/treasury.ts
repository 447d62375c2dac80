/**
 * @module The treasury page, `/treasury`: one self-contained document for the accountant or treasury
 * officer. The server sends only the shell; the inline script asks for an API key and reads the
 * JSON API with it (the day's reconciliation, the exception queue, cash in custody), so the page holds
 * no data of its own and needs no session on the server.
 */
import type { Clock } from '../../shared/clock.js';
import { localDateOf } from '../../shared/time.js';
import { FONT_STACK } from './html.js';
import { TREASURY_SCRIPT } from './treasury-script.js';

/**
 * Renders the treasury page shell for `today` (the officer can pick another day).
 *
 * @example
 * const html = renderTreasuryPage(newNonce(), systemClock);
 */
export function renderTreasuryPage(nonce: string, clock: Clock): string {
  const today = localDateOf(clock.now());
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>Đối soát thu phí, lệ phí</title>
<style nonce="${nonce}">${TREASURY_CSS}</style>
</head>
<body data-today="${today}">
<header>
<h1>Đối soát thu phí, lệ phí</h1>
<span id="agency" class="agency"></span>
<button type="button" id="logout" class="ghost" hidden>Đăng xuất</button>
</header>

<section id="login" class="panel login" hidden>
<h2>Đăng nhập</h2>
<form id="login-form" autocomplete="off">
<label class="field" for="api-key">Khoá API của đơn vị (vai trò thủ quỹ/kế toán)</label>
<input type="password" id="api-key" name="apiKey" required autocomplete="off" spellcheck="false">
<p class="muted">Khoá chỉ được giữ trong thẻ trình duyệt này và mất khi đóng thẻ.</p>
<p id="login-error" class="msg error" role="alert"></p>
<button type="submit" class="primary">Đăng nhập</button>
</form>
</section>

<main id="app" hidden>
<div class="toolbar">
<label for="date">Ngày đối soát</label>
<input type="date" id="date" name="date">
<button type="button" id="reload">Tải lại</button>
<button type="button" id="run">Lập đối soát</button>
<span class="spacer"></span>
<button type="button" id="export-csv">Tải CSV</button>
<button type="button" id="export-xlsx">Tải Excel (XLSX)</button>
</div>
<div id="flash" aria-live="polite"></div>

<section class="panel">
<h2><span id="report-title">Đối soát ngày</span> <span id="badge" class="badge" hidden></span></h2>
<div id="report"></div>
</section>

<section class="panel">
<h2>Biểu đồ số thu</h2>
<div id="charts" class="charts"></div>
</section>

<section class="panel">
<h2>Giao dịch cần xử lý <span class="count" id="exceptions-count">–</span></h2>
<div id="exceptions"></div>
</section>

<section class="panel">
<h2>Tiền mặt đang giữ theo cán bộ</h2>
<div id="custody"></div>
</section>
</main>
<script nonce="${nonce}">${TREASURY_SCRIPT}</script>
</body>
</html>`;
}

const TREASURY_CSS = `
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;font-family:${FONT_STACK};font-size:16px;line-height:1.45;background:#f1f4f9;color:#17212f}
header{display:flex;align-items:center;gap:1rem;padding:.8rem 1.5rem;background:#1f4e9c;color:#fff}
header h1{font-size:1.35rem;margin:0;font-weight:700}
.agency{flex:1;opacity:.9}
main,.login{max-width:78rem;margin:0 auto;padding:1rem 1.5rem 3rem}
.login{max-width:30rem;margin-top:3rem}
.panel{background:#fff;border:1px solid #d5dde9;border-radius:.6rem;padding:1rem 1.25rem;margin:1rem 0;
box-shadow:0 1px 2px rgba(0,0,0,.04)}
.panel h2{font-size:1.2rem;margin:0 0 .8rem;color:#1f4e9c;display:flex;align-items:center;gap:.6rem}
h3{font-size:1rem;margin:1rem 0 .4rem}
h4{margin:0 0 .6rem;font-size:1rem}
button{font:inherit;padding:.45rem .9rem;border-radius:.4rem;border:1px solid #9fb0c8;background:#fff;
color:#17212f;cursor:pointer}
button:hover{background:#eef3fb}
button:disabled{opacity:.5;cursor:wait}
button.primary{background:#1f4e9c;border-color:#1f4e9c;color:#fff}
button.primary:hover{background:#173d7c}
button.ghost{background:transparent;color:#fff;border-color:rgba(255,255,255,.6)}
input,textarea{font:inherit;padding:.45rem .6rem;border:1px solid #9fb0c8;border-radius:.4rem;background:#fff}
textarea{width:100%;resize:vertical}
.field{display:block;margin:.6rem 0;font-weight:600}
.field input,.field textarea{display:block;width:100%;margin-top:.25rem;font-weight:400}
.toolbar{display:flex;flex-wrap:wrap;align-items:center;gap:.6rem;margin-top:.5rem}
.toolbar label{font-weight:600}
.spacer{flex:1}
.msg{margin:.4rem 0;padding:.6rem .8rem;border-radius:.4rem}
.msg:empty{display:none}
.msg.info{background:#eef3fb;color:#24364d}
.msg.ok{background:#e3f4ea;color:#0b5b2b}
.msg.error{background:#fdeaea;color:#8a1020}
.muted{color:#5b6b80;font-size:.92em}
.badge{font-size:.85rem;font-weight:800;letter-spacing:.04em;padding:.2rem .6rem;border-radius:1rem;color:#fff}
.badge.ok{background:#0f7b3a}
.badge.bad{background:#b00020}
.count{background:#e07b00;color:#fff;border-radius:1rem;padding:0 .55rem;font-size:.9rem}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(13rem,1fr));gap:.8rem;margin-bottom:1rem}
.tile{border-radius:.5rem;padding:.7rem .9rem;background:#f6f8fc;border-left:6px solid #1f4e9c}
.tile.cash{border-color:#e07b00}.tile.custody{border-color:#7a4cc2}.tile.total{border-color:#0f7b3a}
.tl{display:block;color:#4a5a70;font-size:.9rem}
.tv{display:block;font-size:1.5rem;font-weight:800;font-variant-numeric:tabular-nums}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(20rem,1fr));gap:1rem}
table{border-collapse:collapse;width:100%}
caption{text-align:left;font-weight:700;padding:.3rem 0}
th,td{padding:.4rem .5rem;border-bottom:1px solid #e3e8f0;text-align:left;vertical-align:top}
thead th{background:#f3f6fb;font-size:.9rem;color:#33445a}
.kv th{font-weight:400;color:#33445a}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.strong{font-weight:700}
.memo{font-family:ui-monospace,"DejaVu Sans Mono",Consolas,monospace;font-size:.9rem;overflow-wrap:anywhere;
max-width:22rem}
.actions{white-space:nowrap}
.actions button{margin:0 .3rem .3rem 0}
.form-row td{background:#f8fafd}
.resolve{max-width:52rem}
fieldset{border:1px solid #d5dde9;border-radius:.4rem;margin:0 0 .6rem;padding:.4rem .8rem}
legend{font-weight:600;padding:0 .3rem}
.option{display:block;padding:.25rem 0;cursor:pointer}
.option input{margin-right:.4rem}
.ref{font-family:ui-monospace,"DejaVu Sans Mono",Consolas,monospace;font-weight:700}
.buttons{display:flex;gap:.6rem}
tr.overdue td{background:#fdeaea}
.checks ul{list-style:none;padding:0;margin:0;columns:2 22rem}
.checks li{padding:.15rem 0}
.checks .mark{display:inline-block;width:1.4rem;font-weight:800}
.checks li.ok .mark{color:#0f7b3a}
.checks li.bad{color:#8a1020}
.checks .name{font-family:ui-monospace,"DejaVu Sans Mono",Consolas,monospace;font-size:.8em;color:#6b7a90}
.charts{display:grid;grid-template-columns:minmax(18rem,1fr) minmax(22rem,1.4fr);gap:1.5rem;align-items:start}
figure{margin:0}
figcaption{font-weight:700;margin-bottom:.4rem}
.chart{width:100%;height:auto;font-family:${FONT_STACK}}
.chart .lbl{font-size:15px;fill:#17212f}
.chart .val{font-size:15px;font-weight:700;fill:#17212f}
.chart .axis{font-size:12px;fill:#4a5a70}
.chart .gl{stroke:#e3e8f0;stroke-width:1}
.legend{margin:.3rem 0 0;font-size:.9rem}
.sw{display:inline-block;width:.9rem;height:.9rem;border-radius:.2rem;vertical-align:-2px;margin:0 .3rem 0 .8rem}
.sw.bank{background:#1f4e9c}.sw.cash{background:#e07b00}
@media (max-width:52rem){.charts{grid-template-columns:1fr}}
`;
