import type { Token } from './token.js';

/** When a cached token stops being fresh, and when requests must stop using it. */
export interface RefreshSchedule {
  /** From here on a request still uses the token but starts one background refresh. */
  readonly refreshAt: number;
  /** From here on requests wait for a new token: too little validity is left to send this one. */
  readonly waitAt: number;
}

export interface RefreshPolicy {
  readonly refreshSkewMs: number;
  /**
   * Fixed minimum validity, or undefined for the default: 10 % of the lifetime, at least 1 s, at most
   * half the refresh window.
   */
  readonly minValidityMs: number | undefined;
}

/**
 * `refreshAt = expiresAt − min(refreshSkewMs, lifetime / 2)`: the half-lifetime cap keeps 5-second
 * tokens useful under the 60-second default skew. `waitAt = expiresAt − minValidity`, where
 * minValidity never exceeds a quarter of the lifetime, so even one-second tokens serve requests.
 * The default minValidity also stays inside the refresh window (at most half of it): 10 % of an hour
 * would otherwise make requests wait 6 minutes before expiry, with no background refresh first.
 */
export function refreshSchedule(expiresAt: number, issuedAt: number, policy: RefreshPolicy): RefreshSchedule {
  const lifetime = Math.max(0, expiresAt - issuedAt);
  const window = Math.min(policy.refreshSkewMs, lifetime / 2);
  const minValidity = Math.min(
    policy.minValidityMs ?? Math.min(Math.max(lifetime / 10, 1000), window / 2),
    lifetime / 4,
  );
  const waitAt = expiresAt - minValidity;
  const refreshAt = Math.min(expiresAt - window, waitAt);
  return { refreshAt, waitAt };
}

/**
 * When a token read from a store began its life. A store keeps no issue time, but an answer's
 * relative `expires_in` tells the whole lifetime; without one, the time left stands in for it.
 */
export function adoptedIssuedAt(token: Token, now: number): number {
  const raw: unknown = token.raw;
  const expiresIn =
    raw !== null && typeof raw === 'object' ? Number((raw as Record<string, unknown>)['expires_in']) : NaN;
  // Above 1e9 an `expires_in` is an epoch (Bank of Georgia), not a lifetime.
  if (token.expiresAt === null || !(expiresIn > 0 && expiresIn <= 1e9)) return now;
  return Math.min(now, token.expiresAt - expiresIn * 1000);
}

/** Back-off before the next background attempt after `failures` failed ones: 1 s, 2 s, 4 s ... 30 s, jittered. */
export function backgroundRetryDelay(failures: number, random: () => number = Math.random): number {
  const ceiling = Math.min(30_000, 1000 * 2 ** Math.max(0, failures - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}
