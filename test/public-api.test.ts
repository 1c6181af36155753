import { describe, expect, it } from 'vitest';
import * as core from '../index.js';
import * as processors from '../processors/index.js';
import * as exporters from '../exporters/index.js';
import * as views from '../views/index.js';
import * as receiver from '../receiver/index.js';
import * as schemas from '../schemas/index.js';
import * as aiSdk from '../integrations/ai-sdk/index.js';
import * as openai from '../integrations/openai/index.js';
import * as anthropic from '../integrations/anthropic/index.js';

const entries: Record<string, object> = {
  optrail: core,
  'optrail/processors': processors,
  'optrail/exporters': exporters,
  'optrail/views': views,
  'optrail/receiver': receiver,
  'optrail/schemas': schemas,
  'optrail/ai-sdk': aiSdk,
  'optrail/openai': openai,
  'optrail/anthropic': anthropic,
};

/** The runtime exports of each entry point (docs/architecture.md, "The public API"): a new one is a decision, not an accident. */
const PUBLIC_API: Record<string, string[]> = {
  optrail: ['DROPPED_MARKER_KEY', 'TraceReadError', 'annotate', 'compareEvents', 'createPipeline', 'currentOp', 'defaults', 'fileMediaStore', 'getDefaultPipeline', 'group', 'op', 'parseTimestampMicros', 'readEvents', 'recordLlmUsage', 'recordMedia', 'serializeBatch', 'serializeEvent', 'setDefaultPipeline', 'startOp'],
  'optrail/processors': ['ALL_DETECTORS', 'CREDENTIAL_DETECTORS', 'DEFAULT_ALLOWED_KEYS', 'DEFAULT_SECRET_KEYS', 'INVALID_MARKER_KEY', 'PII_DETECTORS', 'aggregate', 'defineProcessor', 'dropEmpty', 'dropKinds', 'dropOps', 'filter', 'groupBy', 'keepOps', 'nameProcessor', 'redact', 'reorder', 'reportingTo', 'sample', 'tailSample', 'truncate', 'validate'],
  'optrail/exporters': ['chromeTraceExporter', 'groupedExporter', 'htmlExporter', 'httpExporter', 'jsonlExporter', 'memoryExporter', 'otlpExporter', 'timelineExporter', 'toOtlpJson', 'treeExporter'],
  'optrail/views': ['GroupedBuilder', 'RequestFollower', 'TreeBuilder', 'buildGrouped', 'buildTimeline', 'buildTree', 'readFollowing', 'readGrouped', 'readTrees', 'renderGroupedText', 'renderHtml', 'renderTimelineText', 'renderTreeText', 'toChromeTrace'],
  'optrail/receiver': ['startReceiver'],
  'optrail/schemas': [
    'AnnotationEventSchema', 'AnnotationPayloadSchema', 'BatchOptionsSchema', 'CaptureLimitsSchema', 'ChromeTraceExporterOptionsSchema', 'EVENT_KINDS',
    'GroupEndEventSchema', 'GroupEndPayloadSchema', 'GroupStartEventSchema', 'GroupStartPayloadSchema', 'HtmlExporterOptionsSchema', 'HttpExporterOptionsSchema',
    'JsonlExporterOptionsSchema', 'JsonlTargetSchema', 'LlmUsageEventSchema', 'LlmUsagePayloadSchema', 'MediaRefEventSchema', 'MediaRefPayloadSchema',
    'OpEndEventSchema', 'OpEndPayloadSchema', 'OpErrorSchema', 'OpStartEventSchema', 'OpStartPayloadSchema', 'OpYieldEventSchema', 'OpYieldPayloadSchema',
    'OptrailTelemetryOptionsSchema', 'OtlpExporterOptionsSchema', 'PipelineOptionsSchema', 'ReadOptionsSchema', 'TIMESTAMP_PATTERN', 'TimestampSchema',
    'TraceAnthropicOptionsSchema', 'TraceEventSchema', 'TraceOpenAIOptionsSchema', 'UnknownKindEventSchema', 'traceEventJsonSchema',
  ],
  'optrail/ai-sdk': ['optrailTelemetry'],
  'optrail/openai': ['traceOpenAI'],
  'optrail/anthropic': ['traceAnthropic'],
};

/** Internals issue 16 names, which no entry point may hand out. */
const INTERNALS = ['encodeBatch', 'jsonForScript', 'useColor', 'requestFileName', 'followRereadable', 'groupedEssentials', 'passesLuhn', 'truncateUtf8'];

/**
 * The naming rule (docs/architecture.md): what makes a part is named after the part
 * (`jsonlExporter()`, `fileMediaStore()`, `traceEventJsonSchema()`, `optrailTelemetry()`),
 * `createPipeline` is the one `create…`, `start…` opens a server or an op (`startOp`), `trace…`
 * instruments a client in place (`traceOpenAI`); every other function is a verb phrase, `to…` for a
 * conversion; classes and zod schemas are PascalCase (`…Schema`), constants UPPER_SNAKE.
 */
const FACTORY = /^[a-z][A-Za-z]*(Exporter|MediaStore|JsonSchema|Telemetry)$|^createPipeline$|^startReceiver$|^startOp$/;
const VERB = /^(read|build|render|serialize|parse|compare|record|annotate|group|set|get|define|name|drop|keep|filter|redact|sample|tailSample|truncate|reorder|validate|aggregate|trace|to)([A-Z]|$)/;
/** The words a traced program writes most (`op`, `currentOp()`), the namespace of defaults, and a combinator read inside a pipe. */
const EXCEPTIONS = ['op', 'currentOp', 'defaults', 'reportingTo'];

describe('the public API', () => {
  it('each entry point exports exactly its list', () => {
    const got = Object.fromEntries(Object.entries(entries).map(([name, module]) => [name, Object.keys(module).sort()]));
    expect(got).toEqual(PUBLIC_API);
  });

  it('the reporter helpers come from one entry point only (optrail/processors)', () => {
    const owners = (name: string) => Object.entries(entries).filter(([, module]) => name in module).map(([entry]) => entry);
    expect(owners('nameProcessor')).toEqual(['optrail/processors']);
    expect(owners('reportingTo')).toEqual(['optrail/processors']);
    expect(owners('startReceiver')).toEqual(['optrail/receiver']);
    for (const name of INTERNALS) expect(owners(name), name).toEqual([]);
  });

  it('every export follows the naming rule', () => {
    const offenders: string[] = [];
    for (const [entry, module] of Object.entries(entries)) {
      for (const [name, value] of Object.entries(module)) {
        const ok =
          EXCEPTIONS.includes(name) ||
          /^[A-Z][A-Z0-9_]+$/.test(name) ||
          (/^[A-Z][A-Za-z]+Schema$/.test(name) && typeof value === 'object') ||
          (/^[A-Z][A-Za-z]+$/.test(name) && typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value))) ||
          (typeof value === 'function' && (FACTORY.test(name) || VERB.test(name)));
        if (!ok) offenders.push(`${entry}: ${name}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
