import { randomBytes } from 'node:crypto';

export type TokenStatus = 'valid' | 'expired' | 'unknown';

/** The access tokens a lab has issued, and when each stops being valid on the server's clock. */
export class TokenRegistry {
  readonly #tokens = new Map<string, { expiresAt: number; revoked: boolean }>();
  #issued = 0;

  constructor(private readonly now: () => number) {}

  /** A new random opaque token valid until `expiresAt` (epoch ms, exclusive). */
  issue(expiresAt: number): string {
    const token = randomBytes(24).toString('base64url');
    this.#tokens.set(token, { expiresAt, revoked: false });
    this.#issued += 1;
    return token;
  }

  status(token: string): TokenStatus {
    const entry = this.#tokens.get(token);
    if (!entry || entry.revoked) return 'unknown';
    return this.now() < entry.expiresAt ? 'valid' : 'expired';
  }

  revokeAll(): void {
    for (const entry of this.#tokens.values()) entry.revoked = true;
  }

  /** Tokens issued since the last `resetCount()`. */
  get issued(): number {
    return this.#issued;
  }

  resetCount(): void {
    this.#issued = 0;
  }
}
