/** The answer to one POST: a status and the `Retry-After` header, or a network error. */
export type PostResult = { status: number; retryAfter: string | null } | { networkError: string };

/**
 * POSTs `body` once with a deadline. Network failures (refused, reset mid-body, DNS, timeout)
 * come back as `networkError` with a message that names no header, so an API key can never
 * leak into logs or errors.
 */
export async function postOnce(url: string, body: Uint8Array, headers: Record<string, string>, timeoutMs: number): Promise<PostResult> {
  try {
    const response = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(timeoutMs) });
    // Read the body so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined);
    return { status: response.status, retryAfter: response.headers.get('retry-after') };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const name = (error as Error).name;
    const message = name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (cause?.code ?? cause?.message ?? (error as Error).message);
    return { networkError: `POST ${safeUrl(url)}: ${message}` };
  }
}

/** The URL without credentials or query string, for messages. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '<invalid url>';
  }
}
