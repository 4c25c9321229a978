/** The largest token endpoint answer read, in bytes (1 MiB); a larger one is refused. */
export const MAX_TOKEN_BODY_BYTES = 1_048_576;

/** A token endpoint's body as an object, or why it is not one (never echoing the body). */
export type TokenBody =
  | { readonly ok: true; readonly value: Record<string, unknown> }
  | { readonly ok: false; readonly reason: string };

// `a=b&c=d`: what servers answering `application/x-www-form-urlencoded` or `text/plain` send.
const FORM = /^[^=&\s<>{}[\]"]+=[^&\s<>]*(?:&[^=&\s<>]+(?:=[^&\s<>]*)?)*&?$/;

/**
 * Reads a token endpoint's body: an object (parsed JSON), JSON or form-encoded text, or UTF-8
 * bytes (`ArrayBuffer`, any typed array or `Buffer`).
 *
 * @param contentType The response's Content-Type; text is still sniffed, because servers mislabel it.
 */
export function readTokenBody(body: unknown, contentType?: string): TokenBody {
  if (typeof body === 'string') return readText(body, contentType);
  if (isBytes(body)) {
    if (body.byteLength > MAX_TOKEN_BODY_BYTES) return tooLarge();
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      return { ok: false, reason: 'the body is not valid UTF-8' };
    }
    return readText(text, contentType);
  }
  if (isPlainObject(body)) return { ok: true, value: body };
  if (Array.isArray(body)) return { ok: false, reason: 'the body is a JSON array, not an object' };
  if (body === null || body === undefined) return { ok: false, reason: 'the body is empty' };
  return { ok: false, reason: `the body is a ${typeof body}, not an object` };
}

function readText(raw: string, contentType: string | undefined): TokenBody {
  // More characters than bytes allowed is too large whatever the encoding; fewer than a third is fine.
  if (raw.length > MAX_TOKEN_BODY_BYTES) return tooLarge();
  if (
    raw.length * 3 > MAX_TOKEN_BODY_BYTES &&
    new TextEncoder().encode(raw).byteLength > MAX_TOKEN_BODY_BYTES
  ) {
    return tooLarge();
  }
  const text = raw.replace(/^\uFEFF/, '').trim();
  if (text === '') return { ok: false, reason: 'the body is empty' };
  const type = (contentType ?? '').toLowerCase();
  const preferForm = type.includes('x-www-form-urlencoded') && !text.startsWith('{');
  if (preferForm && FORM.test(text)) return { ok: true, value: readForm(text) };

  let json: unknown;
  let isJson = false;
  try {
    json = JSON.parse(text);
    isJson = true;
  } catch {
    // Not JSON: maybe form-encoded, below.
  }
  if (isJson) {
    if (isPlainObject(json)) return { ok: true, value: json };
    return { ok: false, reason: `the body is JSON but ${describeJson(json)}, not an object` };
  }
  if (FORM.test(text)) return { ok: true, value: readForm(text) };
  if (text.startsWith('<'))
    return { ok: false, reason: 'the body looks like HTML or XML, not a token response' };
  if (type.includes('json')) return { ok: false, reason: 'the body is not valid JSON' };
  return { ok: false, reason: 'the body is neither JSON nor form-encoded' };
}

function readForm(text: string): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (const [key, entry] of new URLSearchParams(text)) {
    // First occurrence wins; defineProperty keeps `__proto__` an ordinary key.
    if (!Object.hasOwn(value, key)) {
      Object.defineProperty(value, key, {
        value: entry,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return value;
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function tooLarge(): TokenBody {
  return { ok: false, reason: `the body is larger than ${MAX_TOKEN_BODY_BYTES} bytes` };
}

export function isBytes(value: unknown): value is ArrayBuffer | ArrayBufferView {
  // The tag check also accepts an ArrayBuffer from another realm (iframe, vm context).
  return ArrayBuffer.isView(value) || Object.prototype.toString.call(value) === '[object ArrayBuffer]';
}

/** An object literal or parsed JSON object, from any realm; not an array, class instance or buffer. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === null || Object.getPrototypeOf(prototype) === null;
}
