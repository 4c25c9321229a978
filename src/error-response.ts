import type { AxiosResponse } from 'axios';
import type { TokenErrorResponse } from './errors.js';
import { redactSecrets } from './redact-secrets.js';
import { isBytes, MAX_TOKEN_BODY_BYTES } from './token-body.js';

/** Headers of an error response that are never kept, whatever they hold. */
const DROPPED_HEADERS = new Set(['set-cookie', 'set-cookie2', 'authorization', 'proxy-authorization']);
const MAX_ERROR_BODY_CHARS = 16_384;

function headerEntries(headers: unknown): Array<[string, unknown]> {
  if (headers === null || typeof headers !== 'object') return [];
  const plain =
    typeof (headers as { toJSON?: unknown }).toJSON === 'function'
      ? (headers as { toJSON(): unknown }).toJSON()
      : headers;
  return Object.entries(plain as Record<string, unknown>);
}

export function headerOf(headers: unknown, name: string): string | undefined {
  for (const [key, value] of headerEntries(headers)) {
    if (key.toLowerCase() === name) return headerText(value);
  }
  return undefined;
}

function headerText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? value.map(String).join(', ') : String(value);
}

/**
 * The copy of an error answer a `TokenRequestError` keeps: headers and body with the secrets
 * redacted, cookies and credentials dropped, the body clipped.
 */
export function safeResponse(
  response: AxiosResponse<unknown>,
  secrets: readonly string[],
): TokenErrorResponse {
  const headers: Record<string, string> = {};
  for (const [key, value] of headerEntries(response.headers)) {
    const name = key.toLowerCase();
    const text = headerText(value);
    if (DROPPED_HEADERS.has(name) || text === undefined) continue;
    headers[name] = redactSecrets(text, secrets);
  }
  const body = redactSecrets(bodyText(response.data), secrets);
  return Object.freeze({
    status: response.status,
    headers: Object.freeze(headers),
    body: body.length > MAX_ERROR_BODY_CHARS ? `${body.slice(0, MAX_ERROR_BODY_CHARS)}…` : body,
  });
}

function bodyText(data: unknown): string {
  if (typeof data === 'string') return data;
  if (data === undefined || data === null) return '';
  // Bytes as `readTokenBody` takes them, an ArrayBuffer of another realm included.
  if (isBytes(data)) {
    const bytes = ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);
    return new TextDecoder().decode(bytes.subarray(0, MAX_TOKEN_BODY_BYTES));
  }
  try {
    return JSON.stringify(data) ?? '';
  } catch {
    return '';
  }
}
