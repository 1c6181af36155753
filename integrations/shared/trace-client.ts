/**
 * What `traceOpenAI` and `traceAnthropic` share: the client is traced in place, once, method by
 * method, and a client derived from it by `withOptions()` is traced the same way.
 */
import { markTraced, replaceMethod, resourceAt } from './instrument.js';
import { traceMethod, type CallRecording } from './traced-call.js';

/** One method of a client to trace. */
export interface ClientMethod {
  /** Where the method's resource is on the client (`['chat', 'completions']`). */
  path: readonly string[];
  /** The method's name on it (`create`). */
  method: string;
  /** The op's name for a call with these arguments. */
  opName: (args: readonly unknown[]) => string;
  /** The recording of one call. */
  begin: (args: readonly unknown[]) => CallRecording;
}

/** What is captured of every call (`traceOpenAI` / `traceAnthropic` options), and the provider a call without usage is recorded for. */
export interface CaptureSettings {
  captureInputs: boolean;
  captureOutputs: boolean;
  provider: string;
}

/**
 * Traces `methods` of `client` in place and returns `client`. A client `integration` traced
 * already (by this copy of optrail or another) is returned as it is, so nothing is recorded twice; a method the
 * client does not have (another version) is left out. `retrace` traces what `withOptions()`
 * returns; `also` instruments anything else of a client traced now.
 */
export function traceClient<Client extends object>(
  integration: string,
  client: Client,
  methods: readonly ClientMethod[],
  capture: CaptureSettings,
  retrace: (derived: object) => void,
  also?: (client: object) => void,
): Client {
  if ((typeof client !== 'object' && typeof client !== 'function') || client === null || !markTraced(client, integration)) return client;
  also?.(client);
  for (const entry of methods) {
    const resource = resourceAt(client, entry.path);
    if (resource === undefined) continue;
    replaceMethod(resource, entry.method, (original) =>
      traceMethod(original, { name: entry.opName, begin: entry.begin, captureInputs: capture.captureInputs, captureOutputs: capture.captureOutputs, provider: capture.provider }),
    );
  }
  replaceMethod(client, 'withOptions', (original) =>
    function (this: unknown, ...args: unknown[]) {
      const derived: unknown = Reflect.apply(original, this, args);
      if (typeof derived === 'object' && derived !== null && derived !== client) retrace(derived);
      return derived;
    },
  );
  return client;
}
