import type { Token } from './token.js';

/** Whether `value`, read from outside (a store, another tab), has the shape of a {@link Token}. */
export function isToken(value: unknown): value is Token {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const token = value as Record<string, unknown>;
  const raw = token['raw'];
  return (
    typeof token['accessToken'] === 'string' &&
    token['accessToken'] !== '' &&
    typeof token['tokenType'] === 'string' &&
    (token['expiresAt'] === null ||
      (typeof token['expiresAt'] === 'number' && Number.isFinite(token['expiresAt']))) &&
    (token['scope'] === undefined || typeof token['scope'] === 'string') &&
    typeof raw === 'object' &&
    raw !== null &&
    !Array.isArray(raw)
  );
}
