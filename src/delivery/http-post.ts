/** The answer to one POST: a status and the `Retry-After` header, or a network error. */
export type PostResult = { status: number; retryAfter: string | null } | { networkError: string };

/**
 * POSTs `body` once with a deadline (`timeoutMs`), given up at once when `signal` aborts. Network failures (refused, reset mid-body, DNS, timeout)
 * come back as `networkError` with a message that names no header and whose URLs are redacted
 * (`redactUrls`), so neither an API key nor a URL's credentials can leak into logs or errors.
 */
export async function postOnce(url: string, body: Uint8Array, headers: Record<string, string>, timeoutMs: number, signal?: AbortSignal): Promise<PostResult> {
  const deadline = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, { method: 'POST', body, headers, signal: signal ? AbortSignal.any([deadline, signal]) : deadline });
    // Read the body so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined);
    return { status: response.status, retryAfter: response.headers.get('retry-after') };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const message = deadline.aborted
      ? `no answer within ${timeoutMs} ms`
      : signal?.aborted
        ? 'aborted (export deadline or shutdown)'
        : (cause?.code ?? cause?.message ?? requestError(error));
    return { networkError: redactUrls(`POST ${safeUrl(url)}: ${message}`) };
  }
}

/**
 * What a failure that is not the network says, without copying it: fetch's own TypeErrors quote
 * the header value or URL they refuse (an API key with a line break would go to the log whole).
 */
function requestError(error: unknown): string {
  if (error instanceof TypeError) return 'the request could not be made (an invalid header or URL; values not shown)';
  return (error as Error)?.message ?? String(error);
}

/** The URL without credentials, query string or fragment, for messages (`<invalid url>` when it is none). */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '<invalid url>';
  }
}

/**
 * A URL inside free text: a scheme, `://`, then anything up to a space, `"`, `<` or `>`, which a
 * serialised URL always percent-encodes. Not up to `'`, `(` or `)`: those are left as they are in
 * a password, so stopping there would leave the rest of the password in the text.
 */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"<>]+/gi;

/**
 * `text` with every URL in it reduced to `safeUrl` (no userinfo, no query): the one redaction of
 * anything a request's failure says (fetch repeats its URL, credentials included) before it goes
 * into a report. A URL that does not parse loses everything up to its last `@`.
 */
export function redactUrls(text: string): string {
  return text.replace(URL_IN_TEXT, (url) => {
    const safe = safeUrl(url);
    if (safe !== '<invalid url>') return safe;
    const scheme = url.indexOf('://') + 3;
    const at = url.lastIndexOf('@');
    return at >= scheme ? url.slice(0, scheme) + url.slice(at + 1).replace(/[?#].*$/, '') : url.replace(/[?#].*$/, '');
  });
}
