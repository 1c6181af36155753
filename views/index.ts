/**
 * The read side. Trees, timelines and grouped turns rebuilt from events, their text renderings, Chrome traces and the HTML viewer.
 *
 * @module optrail/views
 */
export { buildTree, TreeBuilder, type RequestTree, type TreeNode, type Totals, type ModelTokens } from './tree.js';
export type { UsageSum } from '../src/wire/llm-usage-sum.js';
export type { RequestEndValue } from '../src/wire/request-end.js';
export { readFollowing, readGrouped, readTrees } from './read-trees.js';
export { RequestFollower, type RequestViewBuilder } from './request-follower.js';
export { buildTimeline, type RequestTimeline, type TimelineSpan, type TimelinePoint } from './timeline.js';
export { buildGrouped, GroupedBuilder, type RequestGroups, type Group, type GroupedOp } from './grouped.js';
export { renderTreeText } from './render-tree.js';
export { renderTimelineText } from './render-timeline.js';
export { renderGroupedText } from './render-grouped.js';
export { toChromeTrace, type ChromeTraceEvent } from './chrome-trace.js';
export { renderHtml } from './html.js';
