import { TokenRequestError } from './errors.js';
import type { Token } from './token.js';

/**
 * What a provider's `fetchToken` answered, checked and completed: a missing `tokenType` (or
 * `'bearer'` in any case) becomes `'Bearer'`, a missing `expiresAt` `null`. Custom providers are user code, so nothing is assumed.
 *
 * @throws {TokenRequestError} `invalid_token_response` without a usable access token or expiry.
 */
export function checkProviderToken(token: unknown, key: string): Token {
  const candidate = token as Partial<Token> | null | undefined;
  if (typeof candidate?.accessToken !== 'string' || candidate.accessToken === '') {
    throw new TokenRequestError({
      providerKey: key,
      code: 'invalid_token_response',
      description: 'the provider returned no access token',
    });
  }
  const expiresAt = candidate.expiresAt;
  if (expiresAt !== null && expiresAt !== undefined && !Number.isFinite(expiresAt)) {
    throw new TokenRequestError({
      providerKey: key,
      code: 'invalid_token_response',
      description: 'the provider returned a token with an invalid expiresAt',
    });
  }
  return {
    ...(candidate as Token),
    tokenType: tokenTypeOf(candidate.tokenType),
    expiresAt: expiresAt ?? null,
  };
}

/** As for token responses: none, or `bearer` in any case, is sent as `Bearer`. */
function tokenTypeOf(tokenType: unknown): string {
  if (typeof tokenType !== 'string' || tokenType === '' || tokenType.toLowerCase() === 'bearer')
    return 'Bearer';
  return tokenType;
}

/**
 * `token` with the expiry the manager caches it by, its request sent at `sentAt`: none stated is
 * `defaultTtlMs` from then, and no lifetime exceeds `maxTtlMs`.
 */
export function boundedLifetime(
  token: Token,
  sentAt: number,
  defaultTtlMs: number,
  maxTtlMs: number,
): Token & { readonly expiresAt: number } {
  const expiresAt = Math.min(token.expiresAt ?? sentAt + defaultTtlMs, sentAt + maxTtlMs);
  return token.expiresAt === expiresAt ? (token as Token & { expiresAt: number }) : { ...token, expiresAt };
}

/** The shortest lifetime a token answer states (`expires_in: 1`). */
const SHORTEST_LIFETIME_MS = 1000;

/**
 * Whether `token`, whose request was sent at `sentAt`, was granted a life but ran out before its
 * answer was read at `now`: the process was frozen or asleep while it was on the way. Unlike a token
 * expired on arrival by the server's word (`expires_in: 0`), asking again gets a usable one.
 */
export function arrivedTooLate(token: { readonly expiresAt: number }, sentAt: number, now: number): boolean {
  return token.expiresAt <= now && token.expiresAt - sentAt >= SHORTEST_LIFETIME_MS;
}

/**
 * A provider's failure as the {@link TokenRequestError} a request rejects with. One is kept as it
 * is; anything else (what a custom provider threw, a disposed manager's abort) is wrapped, with its
 * message as the description and a plain copy of it (message, name, code) as the cause.
 */
export function providerFailure(error: unknown, key: string): TokenRequestError {
  if (error instanceof TokenRequestError) return error;
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : undefined;
  return new TokenRequestError({ providerKey: key, description: message, cause: error });
}
