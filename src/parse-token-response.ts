import { TokenRequestError } from './errors.js';
import { HTTP_TOKEN } from './http-syntax.js';
import { readJwtExpiry } from './jwt.js';
import type { Token } from './token.js';
import { MAX_TOKEN_BODY_BYTES, readTokenBody } from './token-body.js';
import { readErrorFields } from './token-error-body.js';

export { MAX_TOKEN_BODY_BYTES };

/** The default cap on a token's lifetime: 24 hours. */
export const DEFAULT_MAX_TTL_MS = 86_400_000;

/** Options of {@link parseTokenResponse}: what is known about the answer besides its body; all optional. */
export interface ParseTokenResponseOptions {
  /** When the response was received, epoch ms on this machine's clock. Default `Date.now()`. */
  receivedAt?: number | undefined;
  /**
   * When the token request was sent, epoch ms. Lifetimes (`expires_in`) count from it, so time the
   * answer spent on the way never makes a token look longer-lived than at the server; a
   * `serverDate` between it and `receivedAt` shows no clock skew. Default `receivedAt`.
   */
  sentAt?: number | undefined;
  /** The response's `Date` header (string), or a `Date` / epoch ms; `null`/`undefined` when absent. */
  serverDate?: string | number | Date | null | undefined;
  /** Lifetime cap. Default {@link DEFAULT_MAX_TTL_MS} (24 h). */
  maxTtlMs?: number | undefined;
  /** For error messages only. Default `'custom'`. */
  providerKey?: string | undefined;
  /** For error messages only (the token URL). */
  endpoint?: string | undefined;
  /** For error messages only: the HTTP status of the answer. */
  status?: number | undefined;
  /** The response Content-Type, to pick JSON or form-encoded parsing of a string body. */
  contentType?: string | undefined;
  /** Strings to redact from any error text (client secret, authorization key, ...). */
  secrets?: readonly string[] | undefined;
}

const INVALID = 'invalid_token_response';
const SECOND = 1000;
const DAY = 86_400_000;
const YEAR = 365 * DAY;
/** The `Date` header has whole-second resolution: smaller differences are noise. */
const SKEW_THRESHOLD_MS = 5000;
/** Above this an `expires_in` (or `exp`) is an epoch in milliseconds, not seconds. */
const EPOCH_MS_ABOVE = 1e12;
/** Above this an `expires_in` is an epoch in seconds, not a lifetime (about 31 years). */
const EPOCH_S_ABOVE = 1e9;
const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** RFC 6750 `b64token` and friends: printable ASCII without spaces, so it fits an HTTP header. */
const HEADER_SAFE = /^[\x21-\x7e]+$/;

/**
 * Turns a token endpoint's answer into a {@link Token}: RFC 6749 `expires_in` (seconds, or an epoch
 * where a server puts one there), GigaChat `expires_at` (epoch ms) or `tok` + `exp` (epoch s), else
 * the JWT's `exp` claim, else `expiresAt: null`. Absolute expiries are moved onto this machine's
 * clock when `serverDate` differs from `receivedAt` by more than 5 s.
 *
 * @throws {TokenRequestError} with the OAuth `error` (or GigaChat `code`) as `code` when the body
 * reports an error, and `'invalid_token_response'` when it is not a usable token response.
 */
export function parseTokenResponse(body: unknown, options: ParseTokenResponseOptions = {}): Token {
  const secrets = [...(options.secrets ?? [])];
  const fail = (code: string, description: string | undefined): TokenRequestError =>
    new TokenRequestError({
      providerKey: options.providerKey ?? 'custom',
      endpoint: options.endpoint,
      status: options.status,
      code,
      description,
      secrets,
    });
  try {
    return parse(body, options, secrets, fail);
  } catch (error) {
    if (error instanceof TokenRequestError) throw error;
    // Nothing from an unexpected failure travels on: its message could quote the body.
    throw fail(INVALID, 'the body could not be read');
  }
}

function parse(
  body: unknown,
  options: ParseTokenResponseOptions,
  secrets: string[],
  fail: (code: string, description: string | undefined) => TokenRequestError,
): Token {
  const read = readTokenBody(body, options.contentType);
  if (!read.ok) throw fail(INVALID, read.reason);
  const raw = read.value;

  const accessToken = pickAccessToken(raw);
  if (typeof accessToken === 'string') secrets.push(accessToken);
  // Credentials too, should an error description (or the body kept on the error) repeat them.
  for (const name of ['refresh_token', 'id_token']) {
    const value = raw[name];
    if (typeof value === 'string') secrets.push(value);
  }

  // Any truthy `error` fails, even next to a token and with status 200; `null`, `''`, `0` mean none.
  if (raw['error']) {
    const fields = readErrorFields(raw);
    throw fail(fields?.code ?? INVALID, fields?.description ?? 'the body carries an error');
  }
  if (accessToken === undefined) {
    const fields = readErrorFields(raw);
    if (fields?.code !== undefined) throw fail(fields.code, fields.description);
    throw fail(INVALID, 'the body has no access_token');
  }
  if (accessToken === null) throw fail(INVALID, 'access_token is empty or not a string');
  if (!HEADER_SAFE.test(accessToken)) {
    throw fail(INVALID, 'access_token contains characters not allowed in an HTTP header');
  }

  const tokenType = readTokenType(raw['token_type']);
  if (tokenType === undefined) throw fail(INVALID, 'token_type is not a valid authorization scheme');

  const token: { -readonly [K in keyof Token]: Token[K] } = {
    accessToken,
    tokenType,
    expiresAt: readExpiry(raw, accessToken, options),
    raw,
  };
  if (typeof raw['scope'] === 'string') token.scope = raw['scope'];
  return token;
}

/** The token (`access_token`, or GigaChat's older `tok`); `null` when present but unusable. */
function pickAccessToken(raw: Record<string, unknown>): string | null | undefined {
  const candidates = [raw['access_token'], raw['tok']];
  for (const candidate of candidates) {
    if (typeof candidate === 'string' && candidate !== '') return candidate;
  }
  return candidates.some((candidate) => candidate !== undefined && candidate !== null) ? null : undefined;
}

function readTokenType(value: unknown): string | undefined {
  if (value === undefined || value === null) return 'Bearer';
  if (typeof value !== 'string') return undefined;
  const type = value.trim();
  if (type === '' || type.toLowerCase() === 'bearer') return 'Bearer';
  return HTTP_TOKEN.test(type) ? type : undefined;
}

function readExpiry(
  raw: Record<string, unknown>,
  accessToken: string,
  options: ParseTokenResponseOptions,
): number | null {
  const receivedAt = finiteOr(options.receivedAt, Date.now);
  const sentAt = Math.min(
    receivedAt,
    finiteOr(options.sentAt, () => receivedAt),
  );
  const maxTtlMs =
    options.maxTtlMs !== undefined && options.maxTtlMs >= 0 ? options.maxTtlMs : DEFAULT_MAX_TTL_MS;
  const shift = clockShift(sentAt, receivedAt, options.serverDate);

  // A server epoch, moved onto this machine's clock, believed only between a day ago and a year ahead.
  const absolute = (epochMs: number): number | null => {
    const local = Math.floor(epochMs + shift);
    if (!(local >= receivedAt - DAY && local <= receivedAt + YEAR)) return null;
    return Math.min(local, Math.floor(sentAt + maxTtlMs));
  };

  const expiresAt = readNumber(raw['expires_at']);
  if (expiresAt !== undefined) {
    const result = absolute(expiresAt < EPOCH_MS_ABOVE ? expiresAt * SECOND : expiresAt);
    if (result !== null) return result;
  }
  const exp = readNumber(raw['exp']);
  if (exp !== undefined) {
    const result = absolute(exp > EPOCH_MS_ABOVE ? exp : exp * SECOND);
    if (result !== null) return result;
  }
  const expiresIn = readNumber(raw['expires_in']);
  if (expiresIn !== undefined) {
    if (expiresIn > EPOCH_S_ABOVE) {
      // Too large to be a lifetime: an epoch (Bank of Georgia sends epoch ms here).
      const result = absolute(expiresIn > EPOCH_MS_ABOVE ? expiresIn : expiresIn * SECOND);
      if (result !== null) return result;
    } else if (expiresIn <= 0) {
      return sentAt;
    } else {
      const fromLifetime = Math.floor(sentAt + Math.min(expiresIn * SECOND, maxTtlMs));
      // Servers that truncate a JWT's `exp` to whole seconds but answer the full lifetime (oidc-provider
      // does) expire the token up to a second before `expires_in` says: the earlier bound wins. An `exp`
      // further off tells a clock difference the `Date` header did not correct, which the relative
      // lifetime is immune to.
      const jwtExpiry = readJwtExpiry(accessToken);
      const fromJwt = jwtExpiry === null ? null : absolute(jwtExpiry);
      const truncated = fromJwt !== null && fromJwt < fromLifetime && fromLifetime - fromJwt <= SECOND;
      return truncated && fromJwt > sentAt ? fromJwt : fromLifetime;
    }
  }
  const jwtExpiry = readJwtExpiry(accessToken);
  return jwtExpiry === null ? null : absolute(jwtExpiry);
}

/**
 * How far the server's clock is off this one, when its `Date` lies more than the header's resolution
 * outside the exchange (`sentAt` to `receivedAt`), else 0. A `Date` inside it shows no skew: an answer
 * read late (a process frozen, a laptop asleep while it was on the way) is not a server behind. A skew
 * is measured from `sentAt`: the server answered after it, so an expiry is never moved past its time.
 */
function clockShift(
  sentAt: number,
  receivedAt: number,
  serverDate: ParseTokenResponseOptions['serverDate'],
): number {
  const serverMs =
    serverDate instanceof Date
      ? serverDate.getTime()
      : typeof serverDate === 'number'
        ? serverDate
        : typeof serverDate === 'string'
          ? Date.parse(serverDate)
          : Number.NaN;
  if (!Number.isFinite(serverMs)) return 0;
  const outside = serverMs < sentAt - SKEW_THRESHOLD_MS || serverMs > receivedAt + SKEW_THRESHOLD_MS;
  return outside ? sentAt - serverMs : 0;
}

/** A finite number, from a number or a numeric string; `undefined` for anything else. */
function readNumber(value: unknown): number | undefined {
  // `Number` ignores the surrounding whitespace `trim` removes.
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && NUMERIC.test(value.trim())
        ? Number(value)
        : Number.NaN;
  return Number.isFinite(number) ? number : undefined;
}

function finiteOr(value: number | undefined, fallback: () => number): number {
  return Math.floor(value !== undefined && Number.isFinite(value) ? value : fallback());
}
