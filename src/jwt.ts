import { decodeBase64 } from './base64.js';
import { isPlainObject } from './token-body.js';

/**
 * The `exp` claim of a JWT access token in epoch milliseconds, or `null` when the token is not a
 * signed JWT (an opaque or encrypted token), or carries no usable `exp`. Never throws.
 *
 * The signature is not verified: the value only schedules a refresh, it grants nothing.
 */
export function readJwtExpiry(token: string): number | null {
  try {
    if (typeof token !== 'string') return null;
    const parts = token.split('.');
    // Three parts: JWS compact serialization. A JWE (five parts) hides its claims.
    if (parts.length !== 3) return null;
    const [header, payload] = parts;
    if (!header || !payload) return null;
    if (!isPlainObject(JSON.parse(decodeBase64(header)))) return null;
    const claims: unknown = JSON.parse(decodeBase64(payload));
    if (!isPlainObject(claims)) return null;
    const exp = claims['exp'];
    if (typeof exp !== 'number' || !Number.isFinite(exp) || exp <= 0) return null;
    const ms = Math.floor(exp * 1000);
    return Number.isSafeInteger(ms) ? ms : null;
  } catch {
    return null;
  }
}
