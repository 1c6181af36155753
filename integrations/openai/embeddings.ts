/**
 * `embeddings.create`: how many vectors of how many dimensions as outputs (not the vectors: they
 * are the bulk of the body and say nothing to a reader of the trace), and the usage.
 */
import type { CallRecording, Recorded } from '../shared/traced-call.js';
import { isArray, read, text } from '../shared/safe-read.js';
import { CHAT_USAGE, openaiUsage, requestModelOf } from './usage.js';

/** The dimensions of a vector: an array's length, or a base64 string's float32 count. */
function dimensionsOf(embedding: unknown): number | undefined {
  if (isArray(embedding)) return embedding.length;
  if (typeof embedding !== 'string') return undefined;
  const padding = embedding.endsWith('==') ? 2 : embedding.endsWith('=') ? 1 : 0;
  return Math.floor(((embedding.length * 3) / 4 - padding) / 4);
}

class EmbeddingsRecording implements CallRecording {
  constructor(
    readonly args: readonly unknown[],
    private readonly provider: string,
  ) {}

  result(data: unknown): Recorded {
    const vectors = read(data, 'data');
    const list = isArray(vectors) ? vectors : [];
    const models = { requestModel: requestModelOf(this.args[0]), responseModel: text(read(data, 'model')), provider: this.provider };
    const usage = openaiUsage(read(data, 'usage'), CHAT_USAGE, models);
    return {
      outputs: { model: read(data, 'model'), embeddings: list.length, dimensions: dimensionsOf(read(list[0], 'embedding')) ?? null },
      usage,
      usageNote: usage === undefined ? ['usage_missing', 'the response carried no usage'] : undefined,
    };
  }

  item(): boolean {
    return true;
  }

  streamed(): Recorded {
    return {};
  }
}

/** The recording of one `embeddings.create` call. */
export function embeddingsRecording(args: readonly unknown[], provider: string): CallRecording {
  return new EmbeddingsRecording(args, provider);
}
