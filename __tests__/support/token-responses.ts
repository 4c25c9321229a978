import { randomUUID } from 'node:crypto';

/** The wire format of a token endpoint, each as its vendor documents it. */
export type TokenShape =
  'rfc6749' | 'gigachat' | 'gigachat-legacy' | 'bog' | 'brainysoft' | 'chatlayer' | 'form';

export const TOKEN_SHAPES: readonly TokenShape[] = [
  'rfc6749',
  'gigachat',
  'gigachat-legacy',
  'bog',
  'brainysoft',
  'chatlayer',
  'form',
];

export const BRAINYSOFT_SCOPE =
  'core_basic admin:read admin:write account:read account:write account:pswrd account:totp admin_1:read admin_1:write';
export const CHATLAYER_SCOPE = 'offline_access profile public_api email';

/** Where a shape puts its expiry, and in which unit. */
type ExpiryKind = 'seconds' | 'epoch-ms' | 'epoch-s';

const expiryField: Record<TokenShape, { field: string; kind: ExpiryKind }> = {
  rfc6749: { field: 'expires_in', kind: 'seconds' },
  form: { field: 'expires_in', kind: 'seconds' },
  brainysoft: { field: 'expires_in', kind: 'seconds' },
  chatlayer: { field: 'expires_in', kind: 'seconds' },
  bog: { field: 'expires_in', kind: 'epoch-ms' },
  gigachat: { field: 'expires_at', kind: 'epoch-ms' },
  'gigachat-legacy': { field: 'exp', kind: 'epoch-s' },
};

/** The advertised expiry value and the exact server-side instant (epoch ms) it stands for. */
export function advertisedExpiry(
  shape: TokenShape,
  issuedAt: number,
  lifetimeMs: number,
): { value: number; expiresAt: number } {
  const { kind } = expiryField[shape];
  if (kind === 'seconds') {
    // Whole seconds, rounded down but never below 1, so that 1 s and 2 s test tokens work.
    const seconds = Math.max(1, Math.floor(lifetimeMs / 1000));
    return { value: seconds, expiresAt: issuedAt + seconds * 1000 };
  }
  if (kind === 'epoch-ms') return { value: issuedAt + lifetimeMs, expiresAt: issuedAt + lifetimeMs };
  // Rounded up so the token lives at least the lifetime (rounded to seconds, at least 1 s).
  const exp = Math.ceil((issuedAt + Math.max(1, Math.round(lifetimeMs / 1000)) * 1000) / 1000);
  return { value: exp, expiresAt: exp * 1000 };
}

/** The server-side expiry of an arbitrary value put into a shape's expiry field (the `expires-in` fault). */
export function expiryOfValue(
  shape: TokenShape,
  value: unknown,
  issuedAt: number,
  lifetimeMs: number,
): number {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : NaN;
  if (!Number.isFinite(n)) return issuedAt + lifetimeMs;
  const { kind } = expiryField[shape];
  if (kind === 'epoch-ms') return n;
  if (kind === 'epoch-s') return n * 1000;
  if (n > 1e12) return n;
  if (n > 1e9) return n * 1000;
  return issuedAt + n * 1000;
}

/** The body of a successful token response, with its Content-Type. */
export function tokenResponseBody(
  shape: TokenShape,
  accessToken: string | undefined,
  expiry: unknown,
): { contentType: string; text: string } {
  const fields: Record<string, unknown> = {};
  const { field } = expiryField[shape];
  switch (shape) {
    case 'gigachat':
      Object.assign(fields, { access_token: accessToken, [field]: expiry });
      break;
    case 'gigachat-legacy':
      Object.assign(fields, { tok: accessToken, [field]: expiry });
      break;
    case 'brainysoft':
      Object.assign(fields, {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: expiry,
        scope: BRAINYSOFT_SCOPE,
        sessid: randomUUID(),
      });
      break;
    case 'chatlayer':
      Object.assign(fields, {
        access_token: accessToken,
        expires_in: expiry,
        refresh_expires_in: 0,
        token_type: 'Bearer',
        'not-before-policy': 0,
        scope: CHATLAYER_SCOPE,
      });
      break;
    case 'form':
      Object.assign(fields, { access_token: accessToken, token_type: 'bearer', expires_in: expiry });
      break;
    default:
      Object.assign(fields, { access_token: accessToken, token_type: 'Bearer', expires_in: expiry });
  }
  for (const key of Object.keys(fields)) if (fields[key] === undefined) delete fields[key];
  if (shape === 'form') {
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(fields)) form.append(key, String(value));
    return { contentType: 'application/x-www-form-urlencoded', text: form.toString() };
  }
  return { contentType: 'application/json', text: JSON.stringify(fields) };
}
