/**
 * Every default of optrail, written once. JSDoc elsewhere refers to these by name.
 */

/**
 * Longest string kept in a captured value (and of an error's message or stack), in UTF-16 code
 * units; the cut is marked with its size. Fits a long LLM system prompt (20,000 characters) whole.
 */
export const DEFAULT_MAX_STRING = 32_000;
/**
 * Most array items or object keys kept in a captured value; the rest is counted in a marker.
 * Fits an LLM conversation of a few hundred messages whole.
 */
export const DEFAULT_MAX_ITEMS = 256;
/**
 * Deepest nesting kept in a captured value; deeper containers become `"[Object]"` / `"[Array(n)]"`.
 * Deep enough for tool calls inside messages inside a request (`{args: [{messages: [{content: [{input: {…}}]}]}]}`).
 */
export const DEFAULT_MAX_DEPTH = 10;
/**
 * Longest name kept, in UTF-16 code units: op and group names, annotation keys, model, provider,
 * mime, an error's type and code. A longer one is cut and the cut marked, like a string.
 */
export const DEFAULT_MAX_NAME = 256;
/** Most `cause`s an `op_end` error keeps below the error itself; the last one kept then has `cause_truncated: true`. */
export const DEFAULT_MAX_CAUSE_DEPTH = 5;

/** A batch is handed to an exporter once it holds this many events… */
export const DEFAULT_BATCH_EVENTS = 512;
/** …or about this many bytes of serialized events… */
export const DEFAULT_BATCH_BYTES = 1024 * 1024;
/** …or when its oldest event has waited this long, in milliseconds. */
export const DEFAULT_BATCH_AGE_MS = 1000;
/** All the memory a pipeline holds for its exporters, in estimated bytes of serialized events. */
export const DEFAULT_MAX_BUFFER_BYTES = 64 * 1024 * 1024;
/**
 * Once a pipeline holds more than this share of its memory cap, the batches waiting behind a
 * dropping exporter's next batch are kept compressed (≈ 8 × fewer bytes), so a slow exporter
 * drops later.
 */
export const DEFAULT_PACK_BACKLOG_AT = 0.125;
/** How long one `export()` (or `flush()`) call may take before it counts as failed, in ms. */
export const DEFAULT_EXPORT_TIMEOUT_MS = 30_000;
/**
 * How long an `export()` whose signal was aborted (its deadline, or shutdown) may take to settle
 * before the channel counts it as hung (its batch lost once, `export_hung:<name>`) and goes on:
 * this, or `exportTimeoutMs` when shorter, in ms.
 */
export const DEFAULT_EXPORT_ABORT_GRACE_MS = 1000;
/** How long `shutdown()` and the exit hooks wait for exporters in all, in ms. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/** Where `recordMedia` keeps bytes when no media store is given. */
export const DEFAULT_MEDIA_DIR = '.optrail/media';
/** The mime a `media_ref` records when `recordMedia` is given none (or an empty one). */
export const DEFAULT_MEDIA_MIME = 'application/octet-stream';

/** HTTP delivery (`httpExporter`, `otlpExporter`): deadline of one request, in ms. */
export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;
/** How long one HTTP export may take before its batch is spooled instead (under `DEFAULT_EXPORT_TIMEOUT_MS`). */
export const DEFAULT_DELIVERY_BUDGET_MS = 25_000;
/** While a spool holds data, how often the endpoint is tried again, in ms. */
export const DEFAULT_PROBE_INTERVAL_MS = 5000;
/** How long an HTTP exporter's shutdown waits for in-flight sends before spooling them, in ms. */
export const DEFAULT_SHUTDOWN_DEADLINE_MS = 5000;
/** Most bytes a spool holds before evicting its oldest data. */
export const DEFAULT_MAX_SPOOL_BYTES = 256 * 1024 * 1024;
/** Where an exporter's spool lives unless told: `<DEFAULT_SPOOL_ROOT>/<exporter name>/<kind>-<host>_<port>-<digest>` (one directory per destination). */
export const DEFAULT_SPOOL_ROOT = '.optrail/spool';

/**
 * How long after `pipeline.run` settles a request may wait for ops it started and did not await
 * before its end is marked anyway (`optrail.request_end` with `open` > 0), in ms. Consumers
 * that wait for a request's end (tailSample, the OTLP root span, the terminal views) wait at
 * most this long past the run.
 */
export const DEFAULT_REQUEST_END_GRACE_MS = 30_000;
/** Completed request ids a consumer remembers, so later events of one are attached to it (late), not made a new request. */
export const DEFAULT_COMPLETED_REQUESTS_REMEMBERED = 100_000;

/**
 * The longest line (or JSON-array element) `readEvents` parses, in bytes: 64 MiB. A longer one is
 * reported as `file:line: line of N bytes is longer than the 67108864-byte limit` and skipped
 * without being held in memory, so a hostile file costs time linear in its size and memory
 * bounded by this limit. optrail's own writers bound every recorded string far below it.
 */
export const READ_MAX_LINE_BYTES = 64 * 1024 * 1024;

/** Read and gunzip in 64 KiB chunks: fewer trips through the event loop than the 16 KiB default, without the cost of splitting huge strings. */
export const READ_CHUNK_BYTES = 64 * 1024;

/**
 * How many event ids the CLI remembers to count an event read twice once (`optrail stats`, the
 * views built from kept events) and to report duplicates (`optrail validate`): 1,000,000, about
 * 150 MB at most. Past it the oldest are forgotten, so a duplicate more than a million distinct
 * events after its first copy is not recognised.
 */
export const READ_MAX_REMEMBERED_IDS = 1_000_000;

/* The receiver (`startReceiver`, `optrail receive`). */

/** Largest body accepted, counted both as received and once inflated, in bytes: 16 MiB. */
export const DEFAULT_RECEIVER_MAX_BODY_BYTES = 16 * 1024 * 1024;
/**
 * Bytes of request bodies held at once across concurrent requests: 128 MiB (never less than
 * the body limit). Past it a request gets 503 with `Retry-After: 1`, which the HTTP exporter retries.
 */
export const DEFAULT_RECEIVER_MAX_HELD_BODY_BYTES = 128 * 1024 * 1024;
/**
 * Memory for the event ids remembered to drop duplicates, in estimated bytes: 128 MiB. Each id is
 * counted as `48 + 2 × its length` bytes (measured on Node 20: a Set entry holding a flat string
 * costs about 40 bytes plus its characters, two bytes each at worst), so about 1.2 million ids
 * of optrail's `<ULID>-<seq>` form. Past it the oldest ids are forgotten (counted in `forgottenIds`).
 */
export const DEFAULT_RECEIVER_MAX_KNOWN_ID_BYTES = 128 * 1024 * 1024;
/** Memory for the `Idempotency-Key`s remembered to drop repeated batches, counted like ids: 16 MiB. */
export const DEFAULT_RECEIVER_MAX_KNOWN_BATCH_BYTES = 16 * 1024 * 1024;
/** How long a client may take to send a request's headers, in ms, before it gets 408 and is closed. */
export const DEFAULT_RECEIVER_HEADERS_TIMEOUT_MS = 10_000;
/** How long a client may take to send a whole request (headers and body), in ms (16 MiB at 300 KB/s). */
export const DEFAULT_RECEIVER_REQUEST_TIMEOUT_MS = 60_000;
/** How long a socket may stay silent (no byte either way) before it is closed, in ms. */
export const DEFAULT_RECEIVER_IDLE_TIMEOUT_MS = 30_000;

/* Redaction (src/redaction/, the `redact()` processor). */

/** What a redacted value becomes in style `full`, and the default redaction's only replacement. */
export const REDACTED = '<redacted>';
/**
 * Distinct strings whose redaction decision is remembered (key names, op names, annotation keys,
 * models): 10,000. They repeat across events, so each is decided once; past it the oldest are forgotten.
 */
export const DEFAULT_REDACTION_CACHE_SIZE = 10_000;

/* LLM usage and cost (src/pricing/, `recordLlmUsage`). */

/**
 * Distinct (provider, model) pairs whose place in the price table is remembered: 1,000. Models
 * repeat across calls, so each is looked up once (a lookup walks the table's patterns); past it the
 * oldest are forgotten.
 */
export const DEFAULT_PRICE_CACHE_SIZE = 1_000;

/* Client integrations (`optrail/ai-sdk`, `optrail/openai`, `optrail/anthropic`). */

/**
 * Most AI SDK calls `optrailTelemetry` keeps open at once: 10,000. A call stays open from its
 * `onStart` to its end, error or abort; one the SDK never ends (a `streamText` whose stream is
 * never read) is forgotten past this many newer open calls, its ops ended `cancelled`. Far above
 * the concurrent LLM calls of one process, so only a leak reaches it.
 */
export const DEFAULT_AI_SDK_MAX_OPEN_CALLS = 10_000;

/**
 * Whether `traceOpenAI` asks a streamed chat completion for its usage (`stream_options:
 * { include_usage: true }`) when the caller did not say: `true`, so a streamed call never records
 * zero tokens. The usage chunk the caller did not ask for is kept from it, and the `usage: null`
 * the API then adds to every other chunk is taken off: the caller sees the stream it asked for.
 */
export const DEFAULT_OPENAI_INCLUDE_USAGE = true;
/** The provider `traceOpenAI` records (and prices by): `openai`. */
export const DEFAULT_OPENAI_PROVIDER = 'openai';

/* Exporters and views (`optrail/exporters`, `optrail/views`). */

/** `jsonlExporter`'s zlib level with `gzip`: zlib's own default, the usual balance of size and CPU (compression runs off the main thread). */
export const DEFAULT_JSONL_GZIP_LEVEL = 6;
/** `jsonlExporter` in `dir` mode: files kept open at once (the least recently used is closed past it), far below a process's usual 1024 descriptors. */
export const DEFAULT_JSONL_MAX_OPEN_FILES = 64;
/** The terminal views' events kept per request while it runs; past it the request is rendered as it stands, so one endless request holds bounded memory. */
export const DEFAULT_VIEW_MAX_EVENTS_PER_REQUEST = 100_000;

/**
 * Events the Chrome trace and HTML exporters keep for the file they write at shutdown (the rest
 * are counted as skipped): a million events render in a browser; more make the file unusable.
 */
export const DEFAULT_FILE_VIEW_MAX_EVENTS = 1_000_000;
/** Columns the text views fit when the output is no terminal (or says no width): wide enough for a tree and its durations. */
export const DEFAULT_TEXT_WIDTH = 100;
/** Columns of the op names in the tree view at most (fewer when the longest name is shorter), so durations line up near the names. */
export const DEFAULT_TREE_NAME_WIDTH = 48;
/** The HTML view's page title when none is given. */
export const DEFAULT_HTML_TITLE = 'optrail trace';
/** Where `otlpExporter` sends spans when given no `url`: an OpenTelemetry Collector on this machine, at OTLP/HTTP's standard port and path. */
export const DEFAULT_OTLP_URL = 'http://localhost:4318/v1/traces';
/** `service.name` of the spans `otlpExporter` sends when given no `serviceName`. */
export const DEFAULT_OTLP_SERVICE_NAME = 'optrail';
/** Requests the OTLP span builder keeps open at once; past it the oldest is exported as it stands (`optrail.unfinished`). */
export const DEFAULT_OTLP_MAX_OPEN_REQUESTS = 10_000;

/* Processors (`optrail/processors`). */

/** Requests whose state `aggregate`, `groupBy` and `validate` keep at once; past it the oldest is forgotten (groupBy closes its group `truncated`). */
export const DEFAULT_PROCESSOR_MAX_REQUESTS = 10_000;
/** `sample`: request ids whose keep-or-drop decision is remembered, so every event of a request gets the same one. */
export const DEFAULT_SAMPLE_DECISIONS_REMEMBERED = 100_000;
/** `reorder`: events held at once; past it the oldest are released early (counted), bounding memory under a flood. */
export const DEFAULT_REORDER_MAX_HELD = 100_000;
/** `tailSample`'s default `keep`: a request at least this slow is kept, in ms (10 s: slower than an interactive request should take). */
export const DEFAULT_TAIL_SAMPLE_SLOW_MS = 10_000;
/** `tailSample`'s default `keep`: a request at least this costly is kept, in US dollars (a few long LLM calls). */
export const DEFAULT_TAIL_SAMPLE_COSTLY_USD = 0.05;
/** `tailSample`: requests held at once; past it the oldest is decided early (counted as `decided_early`). */
export const DEFAULT_TAIL_SAMPLE_MAX_REQUESTS = 1000;
/** `tailSample`: estimated bytes held at once, 16 MiB; past it the oldest request is decided early. */
export const DEFAULT_TAIL_SAMPLE_MAX_BYTES = 16 * 1024 * 1024;
/** `tailSample`: a request is decided at the latest this long after its first event, in ms (as long as `DEFAULT_REQUEST_END_GRACE_MS`, the wait for its end). */
export const DEFAULT_TAIL_SAMPLE_MAX_WAIT_MS = 30_000;

/** The receiver's listening address: loopback, so a receiver started without `apiKey` is reachable from this machine only. */
export const DEFAULT_RECEIVER_HOST = '127.0.0.1';
