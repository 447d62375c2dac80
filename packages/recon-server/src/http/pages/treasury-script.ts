/**
 * @module The treasury page's inline script, kept as text: it runs in the officer's browser, talks to
 * the JSON API with the key the officer typed (sessionStorage, gone with the tab) and builds every
 * node with textContent, never HTML strings, so nothing a bank or a payer wrote can become markup.
 */

// A string, not a function's source: a bundler's helpers injected into a function would not exist
// in the browser. Written without backticks or template placeholders so it can sit in this literal.
export const TREASURY_SCRIPT = `
(function () {
  'use strict';
  var KEY = 'thuphi.treasury.apiKey';
  var body = document.body;
  var byId = function (id) { return document.getElementById(id); };

  function el(tag, props) {
    var e = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (k) {
        var v = props[k];
        if (v == null || v === false) return;
        if (k === 'text') e.textContent = String(v);
        else if (k === 'class') e.className = v;
        else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), v);
        else e.setAttribute(k, v === true ? '' : String(v));
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c == null || c === false) continue;
      if (Array.isArray(c)) c.forEach(function (x) { if (x != null) e.append(x); });
      else e.append(c);
    }
    return e;
  }
  var SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    if (text != null) e.textContent = String(text);
    return e;
  }

  function dong(n) {
    n = Number(n) || 0;
    var s = String(Math.abs(Math.trunc(n))).replace(/\\B(?=(\\d{3})+(?!\\d))/g, '.');
    return (n < 0 ? '-' : '') + s + ' \\u20ab';
  }
  function shortDong(n) {
    if (n >= 1e9) return (n / 1e9).toLocaleString('vi-VN', { maximumFractionDigits: 2 }) + ' tỷ';
    if (n >= 1e6) return (n / 1e6).toLocaleString('vi-VN', { maximumFractionDigits: 2 }) + ' triệu';
    if (n >= 1e3) return (n / 1e3).toLocaleString('vi-VN', { maximumFractionDigits: 2 }) + ' nghìn';
    return String(n);
  }
  var timeFormat = new Intl.DateTimeFormat('vi-VN', {
    timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit', year: 'numeric'
  });
  function when(iso) { try { return timeFormat.format(new Date(iso)); } catch (e) { return String(iso); } }
  function viDate(d) { return String(d).split('-').reverse().join('/'); }

  function Problem(status, data, fallback) {
    this.status = status;
    this.data = data;
    this.message = (data && data.message && data.message.vi) || fallback || ('Máy chủ trả lỗi HTTP ' + status + '.');
    if (data && data.detail) this.detail = String(data.detail);
  }
  // A 404 whose detail names the route itself: the server does not have this function (yet).
  function missingRoute(p) {
    return p instanceof Problem && p.status === 404 && p.data && /^(GET|POST) \\//.test(String(p.data.detail || ''));
  }

  function key() { return sessionStorage.getItem(KEY) || ''; }
  function request(method, path, payload, accept) {
    var headers = { Authorization: 'Bearer ' + key(), Accept: accept || 'application/json' };
    var init = { method: method, headers: headers, cache: 'no-store' };
    if (payload !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(payload);
    }
    return fetch(path, init).then(function (res) {
      if (res.status === 401) {
        logout('Khoá API không đúng hoặc đã bị thu hồi. Vui lòng đăng nhập lại.');
        throw new Problem(401, null, 'Chưa đăng nhập.');
      }
      if (!res.ok) {
        return res.json().catch(function () { return null; }).then(function (data) {
          throw new Problem(res.status, data);
        });
      }
      return res;
    }, function () {
      throw new Problem(0, null, 'Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.');
    });
  }
  function getJson(path) { return request('GET', path).then(function (r) { return r.json(); }); }
  function postJson(path, payload) { return request('POST', path, payload).then(function (r) { return r.json(); }); }

  function panelMessage(container, text, kind) {
    container.replaceChildren(el('p', { class: 'msg ' + (kind || 'info'), role: kind === 'error' ? 'alert' : null, text: text }));
  }
  function flash(text, kind) {
    var box = byId('flash');
    box.replaceChildren(el('p', { class: 'msg ' + (kind || 'ok'), role: 'status', text: text }));
  }

  /* ---------- login ---------- */
  function showLogin(message) {
    byId('app').hidden = true;
    byId('logout').hidden = true;
    byId('login').hidden = false;
    byId('login-error').textContent = message || '';
    byId('api-key').value = '';
    byId('api-key').focus();
  }
  function logout(message) {
    sessionStorage.removeItem(KEY);
    byId('agency').textContent = '';
    showLogin(message);
  }
  function start() {
    return getJson('/v1/agency').then(function (agency) {
      byId('login').hidden = true;
      byId('app').hidden = false;
      byId('logout').hidden = false;
      byId('agency').textContent =
        (agency && agency.name ? agency.name : '') + (agency && agency.notice ? ' — ' + agency.notice : '');
      return loadAll();
    }, function (p) {
      if (p.status !== 401) showLogin(p.message);
    });
  }
  byId('login-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var value = byId('api-key').value.trim();
    if (!value) { byId('login-error').textContent = 'Hãy nhập khoá API.'; return; }
    sessionStorage.setItem(KEY, value);
    start();
  });
  byId('logout').addEventListener('click', function () { logout(''); });

  /* ---------- the day's reconciliation ---------- */
  var dateInput = byId('date');
  dateInput.value = body.getAttribute('data-today');
  function day() { return dateInput.value || body.getAttribute('data-today'); }
  function reload() {
    byId('flash').replaceChildren();
    return loadAll();
  }
  dateInput.addEventListener('change', reload);
  byId('reload').addEventListener('click', reload);

  var lastReport = null;
  function loadAll() {
    return Promise.all([loadReport(), loadExceptions()]).then(loadCustody);
  }

  function row(label, value, strong) {
    return el('tr', null, el('th', { scope: 'row', text: label }), el('td', { class: strong ? 'num strong' : 'num', text: value }));
  }
  function countAmount(x) {
    if (!x) return '–';
    return (x.count != null ? x.count + ' · ' : '') + dong(x.amount);
  }
  function table(caption, rows) {
    return el('table', { class: 'kv' }, el('caption', { text: caption }), el('tbody', null, rows));
  }

  function loadReport() {
    var target = byId('report');
    var charts = byId('charts');
    byId('report-title').textContent = 'Đối soát ngày ' + viDate(day());
    byId('badge').hidden = true;
    panelMessage(target, 'Đang tải báo cáo đối soát…');
    charts.replaceChildren();
    lastReport = null;
    return getJson('/v1/reconciliations/' + encodeURIComponent(day())).then(function (r) {
      lastReport = r;
      renderReport(r);
    }, function (p) {
      if (p.status === 401) return;
      var text = missingRoute(p)
        ? 'Máy chủ này chưa có chức năng đối soát ngày, nên chưa có số liệu tổng hợp và biểu đồ.'
        : p.status === 404
          ? 'Chưa có báo cáo đối soát cho ngày ' + viDate(day()) + '. Bấm “Lập đối soát” để lập.'
          : 'Không tải được báo cáo đối soát: ' + p.message;
      panelMessage(target, text, p.status === 404 ? 'info' : 'error');
      panelMessage(charts, 'Chưa có số liệu để vẽ biểu đồ.', 'info');
    });
  }

  function renderReport(r) {
    var badge = byId('badge');
    badge.hidden = false;
    badge.className = 'badge ' + (r.balanced ? 'ok' : 'bad');
    badge.textContent = r.balanced ? 'CÂN ĐỐI' : 'CHƯA CÂN ĐỐI';
    var by = r.byMethod || {};
    var bank = Number(by.bank_transfer) || 0;
    var cash = Number(by.cash) || 0;
    var rc = r.receipts || {};
    var cr = r.credits || {};
    var ca = r.cash || {};
    var tiles = el('div', { class: 'tiles' },
      tile('Tổng đã thu', dong(bank + cash), 'total'),
      tile('Chuyển khoản', dong(bank), 'bank'),
      tile('Tiền mặt', dong(cash), 'cash'),
      tile('Tiền mặt đang giữ', dong(ca.inCustody ? ca.inCustody.amount : 0), 'custody'));
    var grid = el('div', { class: 'grid' },
      table('Phiếu thu', [
        row('Mở trong ngày', String(rc.opened != null ? rc.opened : '–')),
        row('Đã thu đủ', String(rc.paid != null ? rc.paid : '–')),
        row('Thu một phần', String(rc.partiallyPaid != null ? rc.partiallyPaid : '–')),
        row('Đã huỷ', String(rc.void != null ? rc.void : '–')),
        row('Quá hạn chưa thu', String(rc.overdue != null ? rc.overdue : '–'))
      ]),
      table('Giao dịch ngân hàng (số GD · số tiền)', [
        row('Đã nhận', countAmount(cr.received)),
        row('Đã khớp', countAmount(cr.matched)),
        row('Chưa khớp', countAmount(cr.unmatched), cr.unmatched && cr.unmatched.count > 0),
        row('Chỉ có trên sao kê', countAmount(cr.statementOnly)),
        row('Chờ hoàn trả', countAmount(cr.refundDue))
      ]),
      table('Tiền mặt (số phiếu · số tiền)', [
        row('Đã thu', countAmount(ca.collected)),
        row('Đã nộp vào tài khoản', countAmount(ca.deposited)),
        row('Đang giữ', countAmount(ca.inCustody)),
        row('Nộp thừa', countAmount(r.overpayments)),
        row('Nộp thiếu', countAmount(r.underpayments))
      ]));
    var checks = (r.checks || []).map(function (c) {
      return el('li', { class: c.ok ? 'ok' : 'bad' },
        el('span', { class: 'mark', 'aria-hidden': 'true', text: c.ok ? '✔' : '✘' }),
        el('span', { class: 'detail', text: c.detail || c.name }),
        c.ok ? null : el('span', { class: 'exp', text: ' — cần ' + fmt(c.expected) + ', thực tế ' + fmt(c.actual) }),
        c.detail ? el('span', { class: 'name', text: ' ' + c.name }) : null);
    });
    var generated = r.generatedAt ? el('p', { class: 'muted', text: 'Lập lúc ' + when(r.generatedAt) }) : null;
    byId('report').replaceChildren(tiles, grid,
      checks.length ? el('div', { class: 'checks' }, el('h3', { text: 'Kiểm tra cân đối' }), el('ul', null, checks)) : null,
      generated);
    renderCharts(r);
  }
  function fmt(v) { return typeof v === 'number' ? dong(v) : String(v); }
  function tile(label, value, kind) {
    return el('div', { class: 'tile ' + kind }, el('span', { class: 'tl', text: label }), el('span', { class: 'tv', text: value }));
  }

  /* ---------- charts: small inline SVG, no library ---------- */
  var COLORS = { bank_transfer: '#1f4e9c', cash: '#e07b00' };
  var NAMES = { bank_transfer: 'Chuyển khoản', cash: 'Tiền mặt' };

  function renderCharts(r) {
    var by = r.byMethod || {};
    var methods = ['bank_transfer', 'cash'];
    var max = Math.max(1, Number(by.bank_transfer) || 0, Number(by.cash) || 0);
    var W = 520, rowH = 44, left = 120, right = 150;
    var m = svg('svg', { viewBox: '0 0 ' + W + ' ' + (methods.length * rowH + 10), role: 'img', 'aria-label': 'Số thu theo phương thức', class: 'chart' });
    methods.forEach(function (k, i) {
      var v = Number(by[k]) || 0;
      var y = 8 + i * rowH;
      var w = Math.round((W - left - right) * v / max);
      m.append(svg('text', { x: left - 10, y: y + 22, 'text-anchor': 'end', class: 'lbl' }, NAMES[k]));
      m.append(svg('rect', { x: left, y: y + 4, width: Math.max(w, 2), height: 28, rx: 4, fill: COLORS[k] }));
      m.append(svg('text', { x: left + Math.max(w, 2) + 8, y: y + 23, class: 'val' }, dong(v)));
    });

    var hours = (r.byHour || []).map(function (h) {
      return { hour: Number(h.hour), bank_transfer: Number(h.bank_transfer) || 0, cash: Number(h.cash) || 0 };
    });
    var from = 7, to = 17;
    hours.forEach(function (h) {
      if (h.bank_transfer + h.cash > 0) { from = Math.min(from, h.hour); to = Math.max(to, h.hour); }
    });
    var H = 260, top = 16, bottom = 34, yLeft = 86, HW = 660;
    var slots = to - from + 1;
    var slot = (HW - yLeft - 10) / slots;
    var hmax = 0;
    var at = {};
    hours.forEach(function (h) { at[h.hour] = h; hmax = Math.max(hmax, h.bank_transfer + h.cash); });
    var scale = niceMax(hmax);
    var hc = svg('svg', { viewBox: '0 0 ' + HW + ' ' + H, role: 'img', 'aria-label': 'Số thu theo giờ', class: 'chart' });
    for (var g = 0; g <= 4; g++) {
      var gy = top + (H - top - bottom) * (1 - g / 4);
      hc.append(svg('line', { x1: yLeft, x2: HW - 10, y1: gy, y2: gy, class: 'gl' }));
      hc.append(svg('text', { x: yLeft - 6, y: gy + 4, 'text-anchor': 'end', class: 'axis' }, shortDong(scale * g / 4)));
    }
    for (var hour = from; hour <= to; hour++) {
      var d = at[hour] || { bank_transfer: 0, cash: 0 };
      var x = yLeft + (hour - from) * slot + slot * 0.18;
      var bw = slot * 0.64;
      var base = H - bottom;
      ['bank_transfer', 'cash'].forEach(function (k) {
        var hgt = (H - top - bottom) * d[k] / scale;
        if (hgt > 0) {
          var rect = svg('rect', { x: x, y: base - hgt, width: bw, height: hgt, fill: COLORS[k] });
          rect.append(svg('title', null, hour + 'h – ' + NAMES[k] + ': ' + dong(d[k])));
          hc.append(rect);
          base -= hgt;
        }
      });
      hc.append(svg('text', { x: x + bw / 2, y: H - bottom + 18, 'text-anchor': 'middle', class: 'axis' }, hour + 'h'));
    }
    var legend = el('p', { class: 'legend' },
      el('span', { class: 'sw bank' }), 'Chuyển khoản ', el('span', { class: 'sw cash' }), 'Tiền mặt');
    byId('charts').replaceChildren(
      el('figure', null, el('figcaption', { text: 'Số thu theo phương thức' }), m),
      el('figure', null, el('figcaption', { text: 'Số thu theo giờ (giờ Việt Nam)' }), hc, legend));
  }
  function niceMax(v) {
    if (v <= 0) return 1000;
    var p = Math.pow(10, Math.floor(Math.log10(v)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) if (steps[i] * p >= v) return steps[i] * p;
    return 10 * p;
  }

  /* ---------- exports and re-run ---------- */
  function download(format) {
    var path = '/v1/reconciliations/' + encodeURIComponent(day()) + '?format=' + format;
    var accept = format === 'csv' ? 'text/csv' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    flash('Đang tạo tệp ' + format.toUpperCase() + '…', 'info');
    request('GET', path, undefined, accept).then(function (res) {
      var cd = res.headers.get('content-disposition') || '';
      var m = /filename="?([^";]+)"?/.exec(cd);
      var name = m ? m[1] : 'doi-soat-' + day() + '.' + format;
      return res.blob().then(function (blob) {
        var url = URL.createObjectURL(blob);
        var a = el('a', { href: url, download: name });
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
        flash('Đã tải xuống ' + name + '.', 'ok');
      });
    }).catch(function (p) {
      if (p.status === 401) return;
      flash(missingRoute(p) ? 'Máy chủ này chưa có chức năng xuất báo cáo đối soát.' : 'Không xuất được tệp: ' + p.message, 'error');
    });
  }
  byId('export-csv').addEventListener('click', function () { download('csv'); });
  byId('export-xlsx').addEventListener('click', function () { download('xlsx'); });
  byId('run').addEventListener('click', function () {
    flash('Đang lập đối soát ngày ' + viDate(day()) + '…', 'info');
    postJson('/v1/reconciliations', { date: day() }).then(function () {
      flash('Đã lập đối soát ngày ' + viDate(day()) + '.', 'ok');
      return loadReport();
    }).catch(function (p) {
      if (p.status === 401) return;
      flash(missingRoute(p) ? 'Máy chủ này chưa có chức năng lập đối soát ngày.' : 'Không lập được đối soát: ' + p.message, 'error');
    });
  });

  /* ---------- the exception queue ---------- */
  var STATE = { unmatched: 'Chưa khớp', overpaid: 'Thừa tiền, chờ quyết định', refund_due: 'Chờ hoàn trả', matched: 'Đã khớp' };
  var UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

  function loadExceptions() {
    var target = byId('exceptions');
    panelMessage(target, 'Đang tải danh sách giao dịch cần xử lý…');
    return getJson('/v1/exceptions').then(function (data) {
      var items = (data && data.items) || [];
      byId('exceptions-count').textContent = String(items.length);
      if (!items.length) {
        panelMessage(target, 'Không có giao dịch nào cần xử lý.', 'ok');
        return;
      }
      var tbody = el('tbody');
      items.forEach(function (c) { tbody.append(exceptionRow(c, tbody)); });
      target.replaceChildren(el('table', { class: 'list' },
        el('thead', null, el('tr', null,
          el('th', { text: 'Thời điểm' }), el('th', { class: 'num', text: 'Số tiền cần xử lý' }),
          el('th', { text: 'Nội dung chuyển khoản' }), el('th', { text: 'Nguồn' }),
          el('th', { text: 'Tình trạng' }), el('th', { text: 'Xử lý' }))),
        tbody));
    }, function (p) {
      if (p.status === 401) return;
      byId('exceptions-count').textContent = '–';
      panelMessage(target, p.status === 403
        ? 'Khoá API này không có quyền xem hàng đợi ngoại lệ (cần vai trò thủ quỹ/kế toán).'
        : 'Không tải được hàng đợi ngoại lệ: ' + p.message, 'error');
    });
  }

  function exceptionRow(c, tbody) {
    var tr = el('tr', { 'data-credit': c.id });
    var actions = el('td', { class: 'actions' },
      el('button', { type: 'button', class: 'primary', text: 'Khớp với phiếu thu', onclick: function () { openForm('match'); } }),
      el('button', { type: 'button', text: 'Chờ hoàn trả', onclick: function () { openForm('refund'); } }));
    var amount = c.open !== c.amount ? dong(c.open) + ' / ' + dong(c.amount) : dong(c.amount);
    tr.append(
      el('td', { text: when(c.bookedAt) }),
      el('td', { class: 'num strong', text: amount }),
      el('td', { class: 'memo', text: c.memo }),
      el('td', { text: c.provider + (c.bankReference ? ' · ' + c.bankReference : '') }),
      el('td', { text: STATE[c.state] || c.state }),
      actions);
    var formRow = null;
    function openForm(kind) {
      if (formRow) formRow.remove();
      formRow = el('tr', { class: 'form-row' }, el('td', { colspan: 6 }, kind === 'match' ? matchForm(c, close) : refundForm(c, close)));
      tr.after(formRow);
      var first = formRow.querySelector('input,textarea');
      if (first) first.focus();
    }
    function close() { if (formRow) formRow.remove(); formRow = null; }
    return tr;
  }

  function reasonField(id) {
    return el('label', { class: 'field' }, 'Lý do (bắt buộc, ghi vào nhật ký)',
      el('textarea', { id: id, name: 'reason', rows: 2, required: true, minlength: 3, maxlength: 500 }));
  }

  function matchForm(c, close) {
    var fid = 'm-' + c.id;
    var error = el('p', { class: 'msg error', role: 'alert', hidden: true });
    var options = (c.suggestions || []).map(function (s, i) {
      return el('label', { class: 'option' },
        el('input', { type: 'radio', name: 'pick-' + c.id, value: s.receiptId, checked: i === 0 }),
        el('span', { class: 'ref', text: s.reference }), ' ',
        el('span', { text: s.payerName + ' · hồ sơ ' + s.dossierCode + ' · còn nợ ' + dong(s.outstanding) + ' · mở ' + when(s.openedAt) }),
        el('span', { class: 'muted', text: ' (điểm ' + s.score + ')' }));
    });
    var typed = el('input', { type: 'text', id: fid + '-receipt', name: 'receipt', autocomplete: 'off', placeholder: 'VD: TP7K3M9QX hoặc 3f2a…-…' });
    var form = el('form', { class: 'resolve', 'aria-label': 'Khớp giao dịch với phiếu thu' },
      el('h4', { text: 'Khớp giao dịch ' + dong(c.open) + ' với một phiếu thu' }),
      options.length ? el('fieldset', null, el('legend', { text: 'Phiếu thu gợi ý (cùng số tiền)' }), options) : el('p', { class: 'muted', text: 'Không có phiếu thu nào cùng số tiền để gợi ý.' }),
      el('label', { class: 'field' }, 'Hoặc nhập mã phiếu thu (UUID) / mã thanh toán', typed),
      reasonField(fid + '-reason'),
      error,
      el('div', { class: 'buttons' },
        el('button', { type: 'submit', class: 'primary', text: 'Xác nhận khớp' }),
        el('button', { type: 'button', text: 'Huỷ', onclick: close })));
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var reason = form.querySelector('textarea').value.trim();
      var text = typed.value.trim();
      var picked = form.querySelector('input[type=radio]:checked');
      var receiptId = null;
      if (text) {
        if (UUID.test(text)) receiptId = text.toLowerCase();
        else {
          var ref = text.toUpperCase().replace(/\\s+/g, '');
          var s = (c.suggestions || []).filter(function (x) { return x.reference === ref; })[0];
          if (s) receiptId = s.receiptId;
          else return fail('Không tìm thấy mã thanh toán “' + text + '” trong các phiếu gợi ý. Hãy nhập mã phiếu thu (UUID).');
        }
      } else if (picked) receiptId = picked.value;
      if (!receiptId) return fail('Hãy chọn một phiếu thu gợi ý hoặc nhập mã phiếu thu.');
      if (reason.length < 3) return fail('Hãy ghi lý do (ít nhất 3 ký tự).');
      submitting(form, true);
      postJson('/v1/credits/' + encodeURIComponent(c.id) + '/match', { receiptId: receiptId, reason: reason }).then(function () {
        flash('Đã khớp giao dịch ' + dong(c.open) + ' với phiếu thu.', 'ok');
        return loadAll();
      }, function (p) {
        submitting(form, false);
        if (p.status !== 401) fail(p.message + (p.detail ? ' (' + p.detail + ')' : ''));
      });
    });
    function fail(text) { error.textContent = text; error.hidden = false; }
    return form;
  }

  function refundForm(c, close) {
    var error = el('p', { class: 'msg error', role: 'alert', hidden: true });
    var form = el('form', { class: 'resolve', 'aria-label': 'Đánh dấu chờ hoàn trả' },
      el('h4', { text: 'Đánh dấu ' + dong(c.open) + ' là tiền chờ hoàn trả cho người chuyển' }),
      reasonField('r-' + c.id + '-reason'),
      error,
      el('div', { class: 'buttons' },
        el('button', { type: 'submit', class: 'primary', text: 'Xác nhận chờ hoàn trả' }),
        el('button', { type: 'button', text: 'Huỷ', onclick: close })));
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var reason = form.querySelector('textarea').value.trim();
      if (reason.length < 3) { error.textContent = 'Hãy ghi lý do (ít nhất 3 ký tự).'; error.hidden = false; return; }
      submitting(form, true);
      postJson('/v1/credits/' + encodeURIComponent(c.id) + '/refund-due', { reason: reason }).then(function () {
        flash('Đã đánh dấu ' + dong(c.open) + ' chờ hoàn trả.', 'ok');
        return loadAll();
      }, function (p) {
        submitting(form, false);
        if (p.status !== 401) { error.textContent = p.message + (p.detail ? ' (' + p.detail + ')' : ''); error.hidden = false; }
      });
    });
    return form;
  }
  function submitting(form, on) {
    Array.prototype.forEach.call(form.querySelectorAll('button'), function (b) { b.disabled = on; });
  }

  /* ---------- cash in custody per clerk ---------- */
  function loadCustody() {
    var target = byId('custody');
    panelMessage(target, 'Đang tải số tiền mặt đang giữ…');
    return getJson('/v1/cash/custody').then(function (data) {
      var items = (data && data.items) || [];
      if (!items.length) { panelMessage(target, 'Không cán bộ nào đang giữ tiền mặt.', 'ok'); return; }
      target.replaceChildren(el('table', { class: 'list' },
        el('thead', null, el('tr', null, el('th', { text: 'Cán bộ thu' }), el('th', { class: 'num', text: 'Số tiền đang giữ' }),
          el('th', { class: 'num', text: 'Số phiếu' }), el('th', { text: 'Giữ từ' }), el('th', { text: 'Hạn nộp' }), el('th', { text: 'Tình trạng' }))),
        el('tbody', null, items.map(function (x) {
          return el('tr', { class: x.overdue ? 'overdue' : null },
            el('td', { text: clerkName(x) }),
            el('td', { class: 'num strong', text: dong(x.amount) }),
            el('td', { class: 'num', text: String(x.count) }),
            el('td', { text: when(x.oldestCollectedAt) }),
            el('td', { text: when(x.deadline) }),
            el('td', { class: x.overdue ? 'strong' : null,
              text: x.overdue ? 'QUÁ HẠN NỘP ' + dong(x.overdueAmount) + ' (' + x.overdueCount + ' phiếu)' : 'Trong hạn' }));
        }))));
    }, function (p) {
      if (p.status === 401) return;
      panelMessage(target, missingRoute(p)
        ? 'Máy chủ này chưa có chức năng theo dõi tiền mặt đang giữ theo cán bộ.'
        : 'Không tải được số tiền mặt đang giữ: ' + p.message, missingRoute(p) ? 'info' : 'error');
    });
  }
  function clerkName(x) {
    var id = String(x.clerkKeyId || x.clerk || '');
    var short = id.length > 12 ? 'khoá ' + id.slice(0, 8) + '…' : id;
    return x.clerkName ? x.clerkName + ' (' + short + ')' : short || '–';
  }

  if (key()) start(); else showLogin('');
})();
`;
