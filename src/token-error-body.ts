import { isPlainObject, readTokenBody } from './token-body.js';

/** What a token endpoint said went wrong. */
export interface TokenErrorBody {
  /** OAuth `error` (`invalid_client`, ...) or GigaChat's numeric `code` as a string. */
  code?: string;
  /** OAuth `error_description` or GigaChat `message`. */
  description?: string;
}

const MAX_CODE_LENGTH = 100;
const MAX_DESCRIPTION_LENGTH = 500;

/**
 * Reads an error answer of a token endpoint (a non-2xx, or a 200 carrying `error`): OAuth
 * `{error, error_description}` or GigaChat `{code, message}`, as an object or as JSON or
 * form-encoded text or bytes.
 *
 * @returns `undefined` when nothing recognisable is found.
 */
export function readTokenErrorBody(body: unknown, contentType?: string): TokenErrorBody | undefined {
  const read = readTokenBody(body, contentType);
  if (!read.ok) return undefined;
  return readErrorFields(read.value);
}

/** {@link readTokenErrorBody} of an already parsed body. */
export function readErrorFields(body: Record<string, unknown>): TokenErrorBody | undefined {
  const { error } = body;
  if (isPlainObject(error)) {
    // `{error: {code, status, message}}`, as Google-style APIs nest it.
    return build(codeOf(error['status']) ?? codeOf(error['code']), textOf(error['message']));
  }
  const oauthCode = codeOf(error);
  if (oauthCode !== undefined) {
    return build(oauthCode, textOf(body['error_description']) ?? textOf(body['message']));
  }
  return build(codeOf(body['code']), textOf(body['message']) ?? textOf(body['error_description']));
}

function build(code: string | undefined, description: string | undefined): TokenErrorBody | undefined {
  if (code === undefined && description === undefined) return undefined;
  const result: TokenErrorBody = {};
  if (code !== undefined) result.code = code;
  if (description !== undefined) result.description = description;
  return result;
}

/** A code: a finite number, or text like {@link textOf}'s, truncated to 100 characters. */
function codeOf(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return textOf(value, MAX_CODE_LENGTH);
}

/** A non-blank string, trimmed and truncated to `max` characters. */
function textOf(value: unknown, max = MAX_DESCRIPTION_LENGTH): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
