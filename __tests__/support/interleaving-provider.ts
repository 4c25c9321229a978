import { TokenRequestError } from '../../src/errors.js';
import type { FetchTokenContext, Token, TokenProvider } from '../../src/token.js';
import type { Random } from './seeded-random.js';
import type { World } from './interleaving-world.js';

/** How a token request ends. */
export type Answer =
  | 'long'
  | 'short'
  | 'tiny'
  | 'zero'
  | 'past'
  | 'absent'
  | 'duplicate'
  | 'fail-credentials'
  | 'fail-server'
  | 'throw';

export const ANSWERS: ReadonlyArray<readonly [Answer, number]> = [
  ['long', 6],
  ['short', 5],
  ['tiny', 2],
  ['zero', 1],
  ['past', 1],
  ['absent', 2],
  ['duplicate', 2],
  ['fail-credentials', 1],
  ['fail-server', 2],
  ['throw', 1],
];

const LIFETIMES: Partial<Record<Answer, number>> = {
  long: 600_000,
  short: 5_000,
  tiny: 800,
  zero: 0,
  past: -1_000,
};

/** A token request the run has not answered yet. */
export interface PendingFetch {
  readonly call: number;
  readonly background: boolean;
  answer(answer: Answer): void;
}

/** What the API accepts: the tokens handed out, until revoked or expired. */
export interface TokenAuthority {
  issue(accessToken: string, expiresAt: number | null): void;
}

/**
 * A provider whose every answer the run decides: at once (a plain value, a settled promise, a
 * synchronous throw) or later, with any lifetime, a token it gave before, or a failure. It watches
 * its signal, so a dispose ends its fetch, and it reports two fetches of its key at once (by any
 * provider of that key).
 */
export class ControlledProvider implements TokenProvider {
  readonly key: string;
  /** Names its tokens apart from those of other providers of the same key. */
  readonly name: string;
  calls = 0;
  successes = 0;
  backgroundCalls = 0;
  readonly pending: PendingFetch[] = [];
  readonly #world: World;
  readonly #random: Random;
  readonly #authority: TokenAuthority;
  #issued = 0;
  #last: string | undefined;

  constructor(key: string, name: string, world: World, random: Random, authority: TokenAuthority) {
    this.key = key;
    this.name = name;
    this.#world = world;
    this.#random = random;
    this.#authority = authority;
  }

  fetchToken(context: FetchTokenContext): Promise<Token> {
    this.calls += 1;
    const inFlight = this.#world.fetchStarted(this.key);
    const call = this.calls;
    const background = context.background === true;
    if (background) this.backgroundCalls += 1;
    this.#world.note(`fetch ${this.name}#${call}${background ? ' (background)' : ''}`);
    if (inFlight > 1) this.#world.violation(`${inFlight} token requests of ${this.key} at once`);
    const startedAt = this.#world.now();
    if (this.#random.chance(0.15)) return this.#answerAtOnce(call, startedAt);
    return new Promise<Token>((resolve, reject) => {
      const signal = context.signal;
      let done = false;
      const finish = (): boolean => {
        if (done) return false;
        done = true;
        this.#world.fetchEnded(this.key);
        this.pending.splice(this.pending.indexOf(fetch), 1);
        signal?.removeEventListener('abort', onAbort);
        return true;
      };
      const onAbort = (): void => {
        if (!finish()) return;
        this.#world.note(`fetch ${this.name}#${call} aborted`);
        reject(signal?.reason);
      };
      const fetch: PendingFetch = {
        call,
        background,
        answer: (answer) => {
          if (!finish()) return;
          try {
            resolve(this.#outcome(call, answer, startedAt));
          } catch (error) {
            reject(error);
          }
        },
      };
      this.pending.push(fetch);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** An answer in the provider's own turn, in each form a provider may give it. */
  #answerAtOnce(call: number, startedAt: number): Promise<Token> {
    const answer = this.#random.weighted(ANSWERS);
    this.#world.fetchEnded(this.key);
    const form = this.#random.int(0, 1);
    if (form === 0) return Promise.resolve().then(() => this.#outcome(call, answer, startedAt));
    // A plain value, or a synchronous throw: the manager takes both.
    return this.#outcome(call, answer, startedAt) as unknown as Promise<Token>;
  }

  #outcome(call: number, answer: Answer, startedAt: number): Token {
    const now = this.#world.now();
    this.#world.note(`answer ${this.name}#${call}: ${answer}`);
    if (answer === 'fail-credentials' || answer === 'fail-server' || answer === 'throw') {
      const mark = `[${this.name}#${call}]`;
      this.#world.fetchFailed(this.key, mark, answer === 'fail-credentials');
      if (answer === 'throw') throw new Error(`provider broke ${mark}`);
      const status = answer === 'fail-credentials' ? 401 : 503;
      throw new TokenRequestError({ providerKey: this.key, status, code: 'refused', description: mark });
    }
    let accessToken: string;
    let expiresAt: number | null;
    if (answer === 'duplicate' && this.#last !== undefined) {
      accessToken = this.#last;
      expiresAt = now + (this.#random.chance(0.5) ? 5_000 : 600_000);
    } else {
      this.#issued += 1;
      accessToken = `tok${this.name}-${this.#issued}Z`;
      expiresAt = answer === 'absent' ? null : now + (LIFETIMES[answer] ?? 600_000);
    }
    this.#last = accessToken;
    this.successes += 1;
    this.#authority.issue(accessToken, expiresAt);
    this.#world.delivered(this.key, accessToken, startedAt, expiresAt);
    const tokenType = this.#random.chance(0.2) ? 'bearer' : 'Bearer';
    return { accessToken, tokenType, expiresAt, raw: { token_type: tokenType } };
  }
}
