import { DEFAULT_HTML_TITLE } from '../src/base/defaults.js';
import type { TraceEvent } from '../schemas/trace-event.js';
import { buildGrouped } from './grouped.js';
import { buildTimeline } from './timeline.js';
import { buildTree } from './tree.js';
import { VIEWER_SCRIPT, VIEWER_STYLE } from './html-viewer.js';

/**
 * JSON safe to place inside `<script type="application/json">`: every `<`, `>`, `&` and the
 * two line separators are escaped, so no value from the stream can close the tag.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * One self-contained HTML page (no network, no external assets) with tree, timeline and grouped
 * tabs, search and status filter, and a side panel with the inputs, outputs, annotations and
 * usage of the selected op. Tokens and cost roll up as in the text views: each request row with
 * one row per model under it, each op row with its subtree's, each group row with its own, and
 * the panel with the op's subtree by model; a cost that is not known says so. The page builds
 * its DOM with `textContent` only and renders long lists virtually, so hostile strings (a model
 * named `</script><img onerror=…>` too) never run and 100,000 events stay responsive.
 */
export function renderHtml(events: Iterable<TraceEvent>, options: { title?: string } = {}): string {
  const list = [...events];
  const data = { trees: buildTree(list), timelines: buildTimeline(list), groups: buildGrouped(list) };
  const title = escapeHtml(options.title ?? DEFAULT_HTML_TITLE);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${title}</title>
<style>${VIEWER_STYLE}</style>
</head>
<body>
<header><h1>${title}</h1>
<nav role="tablist"><button role="tab" data-tab="tree" aria-selected="true">Tree</button><button role="tab" data-tab="timeline">Timeline</button><button role="tab" data-tab="grouped">Grouped</button></nav>
<input id="search" type="search" placeholder="Search op names" aria-label="Search op names">
<select id="status" aria-label="Filter by status"><option value="">all statuses</option><option>ok</option><option>error</option><option>cancelled</option><option>unfinished</option></select>
<span id="summary"></span>
</header>
<main><section id="view" tabindex="0"><div id="spacer"></div><div id="rows"></div></section><aside id="panel" hidden></aside></main>
<script type="application/json" id="optrail-data">${jsonForScript(data)}</script>
<script>${VIEWER_SCRIPT}</script>
</body>
</html>
`;
}
