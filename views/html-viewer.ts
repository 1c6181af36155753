/** The viewer's CSS and script, inlined into every HTML file (no external assets). */

export const VIEWER_STYLE = `
body{margin:0;font:13px/1.4 system-ui,sans-serif;color:#1d2330;background:#fafbfc}
header{display:flex;gap:12px;align-items:center;padding:8px 12px;border-bottom:1px solid #dde1e6;background:#fff;position:sticky;top:0}
h1{font-size:15px;margin:0 12px 0 0}
nav button{border:1px solid #c9ced6;background:#fff;padding:4px 10px;cursor:pointer}
nav button[aria-selected=true]{background:#1d2330;color:#fff}
main{display:flex;height:calc(100vh - 48px)}
#view{flex:1;overflow:auto;position:relative}
#rows{position:absolute;left:0;right:0;top:0}
.row{height:22px;display:flex;align-items:center;white-space:nowrap;padding:0 8px;cursor:pointer;font-family:ui-monospace,monospace}
.row:hover{background:#eef2f7}.row.sel{background:#dce8fb}
.mark{width:16px}.ok{color:#1a7f37}.error{color:#cf222e}.cancelled,.unfinished{color:#9a6700}
.dur{margin-left:auto;color:#57606a;padding-left:12px}
.bar{position:absolute;height:14px;border-radius:2px;background:#54aeff}.bar.error{background:#ff8182}.bar.cancelled,.bar.unfinished{background:#d4a72c}
.tl{position:relative;flex:1;height:22px}
.head{font-weight:600;background:#f0f3f6;cursor:default}
aside{width:38%;overflow:auto;border-left:1px solid #dde1e6;background:#fff;padding:8px 12px}
aside pre{white-space:pre-wrap;word-break:break-all;background:#f6f8fa;padding:6px}
#summary{color:#57606a;margin-left:auto}
.usage{color:#0a6e8a;padding-left:12px}
.row.model{color:#57606a;cursor:default;padding-left:24px}
`;

/**
 * The page's formatting: format.ts's rules (formatDuration, formatTokens, formatCost,
 * formatUsage, formatModelLine, allModels) in the page's JavaScript, so the page and the text
 * views write the same durations, tokens and costs. Plain functions over JSON data (no DOM):
 * test/usage-rollups-html.test.ts runs them against format.ts.
 */
export const VIEWER_FORMAT = String.raw`
  function dur(ms) {
    if (ms === undefined || ms === null || !isFinite(ms)) return '—';
    var text;
    if (ms < 1 && Number((text = ms.toFixed(2))) < 1) return text + 'ms';
    if (ms < 10 && Number((text = ms.toFixed(1))) < 10) return text + 'ms';
    if (ms < 1000 && Number((text = ms.toFixed(0))) < 1000) return text + 'ms';
    if (ms < 60000 && Number((text = (ms / 1000).toFixed(2))) < 60) return text + 's';
    var seconds = Math.round(ms / 1000);
    return Math.floor(seconds / 60) + 'm' + String(seconds % 60).padStart(2, '0') + 's';
  }
  function truncate(text, width) { return text.length <= width ? text : text.slice(0, Math.max(0, width - 1)) + '…'; }
  function plural(n, word) { return n + ' ' + word + (n === 1 ? '' : 's'); }
  function tokensText(u) {
    var cache = [];
    if (u.cacheRead > 0) cache.push(u.cacheRead + ' cache read');
    if (u.cacheWrite > 0) cache.push(u.cacheWrite + ' cache write');
    return u.total + ' tok (in ' + u.prompt + (cache.length > 0 ? ' incl. ' + cache.join(' + ') : '') + ', out ' + u.completion + (u.reasoning > 0 ? ' incl. ' + u.reasoning + ' reasoning' : '') + ')';
  }
  function costText(u) {
    var text = '$' + u.costUsd.toFixed(u.costUsd >= 0.01 ? 4 : 6);
    if (u.costUnknownCalls === 0) return text;
    return u.costUnknownCalls >= u.calls && u.costUsd === 0 ? 'cost unknown' : text + ' + unknown';
  }
  function usageText(u) { return tokensText(u) + '  ' + costText(u); }
  function modelLine(model, u) {
    return 'model ' + truncate(model, 60) + '  ' + plural(u.calls, 'call') + '  ' + usageText(u) + (u.costUnknownCalls > 0 ? ' (' + plural(u.costUnknownCalls, 'call') + ')' : '');
  }
  var USAGE_FIELDS = ['calls', 'prompt', 'completion', 'total', 'cacheRead', 'cacheWrite', 'reasoning', 'costUsd', 'costUnknownCalls'];
  function plus(a, b) { var sum = a + b; return sum <= Number.MAX_VALUE ? sum : Number.MAX_VALUE; }
  // Object.entries: a model named __proto__ is an own key of the parsed JSON, read like any other.
  function models(totals) { return Object.entries(totals.tokensByModel).sort(function (a, b) { return a[0].localeCompare(b[0]); }); }
  function allModels(totals) {
    var sum = {};
    USAGE_FIELDS.forEach(function (f) { sum[f] = 0; });
    // In the map's own order, as allModels adds: the same floating-point sum.
    Object.values(totals.tokensByModel).forEach(function (u) { USAGE_FIELDS.forEach(function (f) { sum[f] = plus(sum[f], u[f]); }); });
    return sum;
  }
`;

export const VIEWER_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('optrail-data').textContent);
  var view = document.getElementById('view'), rowsEl = document.getElementById('rows'), spacer = document.getElementById('spacer');
  var panel = document.getElementById('panel'), search = document.getElementById('search'), statusSel = document.getElementById('status');
  var ROW = 22, tab = 'tree', rows = [], selected = null, collapsed = new Set();
  // No prototype: MARK[status] for a status from the data is one of these or undefined, never an inherited member.
  var MARK = Object.assign(Object.create(null), { ok: '✓', error: '✗', cancelled: '⊘', unfinished: '…' });
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }
${VIEWER_FORMAT}
  function matches(node) {
    var q = search.value.trim().toLowerCase(), s = statusSel.value;
    return (!q || node.name.toLowerCase().indexOf(q) !== -1) && (!s || node.status === s);
  }
  // A request's (or the grouped view's whole request's) usage after its heading, then one row per model.
  function withUsage(text, totals) { var u = allModels(totals); return u.calls > 0 ? text + ' · ' + usageText(u) : text; }
  function modelRows(out, totals) { models(totals).forEach(function (entry) { out.push({ model: modelLine(entry[0], entry[1]) }); }); }
  function subtreeMatches(node) { if (matches(node)) return true; for (var i = 0; i < node.children.length; i++) if (subtreeMatches(node.children[i])) return true; return false; }
  function treeRows() {
    var out = [], filtering = search.value.trim() !== '' || statusSel.value !== '';
    data.trees.forEach(function (t, ti) {
      out.push({ head: withUsage('request ' + t.requestId + ' · ' + t.totals.ops + ' ops · ' + t.totals.errors + ' errors', t.totals) });
      modelRows(out, t.totals);
      (function walk(nodes, depth, path) {
        nodes.forEach(function (n, i) {
          var id = path + '/' + i;
          if (filtering && !subtreeMatches(n)) return;
          out.push({ node: n, depth: depth, id: id });
          if (!collapsed.has(id) || filtering) walk(n.children, depth + 1, id);
        });
      })(t.roots, 0, String(ti));
    });
    return out;
  }
  function timelineRows() {
    var out = [];
    data.timelines.forEach(function (t, ti) {
      out.push({ head: 'request ' + t.requestId + ' · ' + dur(t.durationMs) });
      var flat = [];
      (function walk(nodes) { nodes.forEach(function (n) { flat.push(n); walk(n.children); }); })(data.trees[ti].roots);
      t.spans.forEach(function (s, i) { if (matches(s)) out.push({ span: s, total: t.durationMs || 1, node: flat[i] }); });
    });
    return out;
  }
  function groupRows() {
    var out = [];
    data.groups.forEach(function (r) {
      out.push({ head: withUsage('request ' + r.requestId + ' · ' + r.groups.length + ' group(s)', r.totals) });
      modelRows(out, r.totals);
      (function walk(groups, depth) {
        groups.forEach(function (g) {
          out.push({ group: g, depth: depth });
          g.ops.forEach(function (op) { if (matches(op)) out.push({ op: op, depth: depth + 1 }); });
          walk(g.groups, depth + 1);
        });
      })(r.groups, 0);
      if (r.ungrouped.length) { out.push({ head: 'outside any group' }); r.ungrouped.forEach(function (op) { if (matches(op)) out.push({ op: op, depth: 1 }); }); }
    });
    return out;
  }
  function rebuild() {
    rows = tab === 'tree' ? treeRows() : tab === 'timeline' ? timelineRows() : groupRows();
    spacer.style.height = rows.length * ROW + 'px';
    document.getElementById('summary').textContent = rows.length + ' rows';
    paint();
  }
  function paint() {
    var first = Math.max(0, Math.floor(view.scrollTop / ROW) - 10), last = Math.min(rows.length, first + Math.ceil(view.clientHeight / ROW) + 20);
    rowsEl.replaceChildren();
    rowsEl.style.top = first * ROW + 'px';
    for (var i = first; i < last; i++) rowsEl.appendChild(renderRow(rows[i]));
  }
  function renderRow(r) {
    var row = el('div', 'row');
    if (r.head) { row.className = 'row head'; row.textContent = r.head; return row; }
    if (r.model) { row.className = 'row model'; row.textContent = r.model; return row; }
    if (r.group) {
      var g = r.group;
      row.style.paddingLeft = 8 + r.depth * 16 + 'px';
      row.appendChild(el('span', '', '▸ ' + g.name + (g.status === 'truncated' ? ' [truncated]' : '')));
      var gu = allModels(g.totals);
      if (gu.calls > 0) row.appendChild(el('span', 'usage', usageText(gu)));
      row.appendChild(el('span', 'dur', g.totals.ops + ' ops · ' + g.totals.errors + ' errors · ' + dur(g.durationMs)));
      row.dataset.kind = 'group';
      return row;
    }
    var n = r.node || r.op || r.span;
    row.dataset.name = n.name;
    row.appendChild(el('span', 'mark ' + n.status, MARK[n.status] || '?'));
    if (r.span) {
      var label = el('span', '', n.name); label.style.width = '180px'; label.style.paddingLeft = r.span.depth * 10 + 'px'; label.style.overflow = 'hidden';
      row.appendChild(label);
      var track = el('div', 'tl'), bar = el('div', 'bar ' + n.status);
      bar.style.left = (100 * r.span.offsetMs / r.total) + '%';
      bar.style.width = Math.max(0.3, 100 * r.span.durationMs / r.total) + '%';
      bar.style.top = '4px';
      track.appendChild(bar); row.appendChild(track);
      row.appendChild(el('span', 'dur', dur(r.span.durationMs)));
    } else {
      row.style.paddingLeft = 8 + (r.depth || 0) * 16 + 'px';
      if (r.node && r.node.children.length) row.appendChild(el('span', 'toggle', collapsed.has(r.id) ? '▸ ' : '▾ '));
      row.appendChild(el('span', 'name', n.name));
      var nu = r.node ? allModels(n.totals) : undefined;
      if (nu && nu.calls > 0) row.appendChild(el('span', 'usage', usageText(nu)));
      row.appendChild(el('span', 'dur', dur(n.durationMs)));
    }
    if (r.node) {
      if (selected === r.node) row.classList.add('sel');
      row.addEventListener('click', function (ev) {
        if (ev.target.className === 'toggle') { collapsed.has(r.id) ? collapsed.delete(r.id) : collapsed.add(r.id); rebuild(); return; }
        selected = r.node; showPanel(r.node); paint();
      });
    }
    return row;
  }
  function section(title, value) {
    panel.appendChild(el('h3', '', title));
    panel.appendChild(el('pre', '', typeof value === 'string' ? value : JSON.stringify(value, null, 2)));
  }
  function showPanel(n) {
    panel.hidden = false; panel.replaceChildren();
    panel.appendChild(el('h2', '', n.name));
    panel.appendChild(el('div', '', n.ctx.join(' / ') + ' · ' + n.status + ' · ' + dur(n.durationMs)));
    if (n.error) section('Error', n.error.type + ': ' + n.error.message);
    section('Inputs', n.inputs === undefined ? null : n.inputs);
    section('Outputs', n.outputs === undefined ? null : n.outputs);
    if (n.annotations.length) section('Annotations', n.annotations);
    var u = allModels(n.totals);
    if (u.calls > 0) section('Tokens and cost (this op and below)', [usageText(u)].concat(models(n.totals).map(function (entry) { return modelLine(entry[0], entry[1]); })).join('\n'));
    if (n.usage.length) section('LLM usage', n.usage);
    if (n.media.length) section('Media', n.media);
    if (n.yieldCount) section('Yields', n.yieldCount + ' yields; last: ' + JSON.stringify(n.lastYielded));
  }
  document.querySelectorAll('nav button').forEach(function (b) {
    b.addEventListener('click', function () {
      document.querySelectorAll('nav button').forEach(function (x) { x.setAttribute('aria-selected', String(x === b)); });
      tab = b.dataset.tab; view.scrollTop = 0; rebuild();
    });
  });
  search.addEventListener('input', rebuild); statusSel.addEventListener('change', rebuild);
  view.addEventListener('scroll', paint); window.addEventListener('resize', paint);
  rebuild();
})();
`;
