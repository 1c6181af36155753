// A pipeline for `optrail replay`: the recordings go through redaction into one JSON Lines file.
//   npx optrail replay traces/ --pipeline ./examples/replay-pipeline.mjs
import { createPipeline } from 'optrail';
import { jsonlExporter } from 'optrail/exporters';
import { redact } from 'optrail/processors';

export default createPipeline({
  processors: [redact()],
  exporters: [jsonlExporter({ path: 'replayed/redacted.jsonl' })],
});
