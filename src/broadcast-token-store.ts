import {
  readBroadcastMessage,
  type BroadcastEntry as Entry,
  type BroadcastMessage as Message,
} from './broadcast-message.js';
import { ExpirySweep } from './expiry-sweep.js';
import { randomUUID } from './random-uuid.js';
import { setLateTimeout, timerDelay, wallClock } from './timers.js';
import type { Token } from './token.js';
import type { TokenStore } from './token-store.js';

/** The part of the Web Locks API (`navigator.locks`) the store uses. */
export interface LockManagerLike {
  request<T>(name: string, options: { signal?: AbortSignal }, callback: () => Promise<T>): Promise<T>;
}

/** Options of {@link BroadcastTokenStore}; every one has a default. */
export interface BroadcastTokenStoreOptions {
  /** Name of the `BroadcastChannel` and prefix of the Web Locks names. Default `'axios-token-flight'`. */
  channel?: string | undefined;
  /**
   * Longest wait for another tab's lock, ms. After it the manager fetches in this tab (a store
   * failure, reported as `store_error`). Default 30 000.
   */
  lockTimeoutMs?: number | undefined;
  /**
   * Longest wait for the other tabs' answer before fetching, ms. A tab that just opened cannot know yet
   * whether others exist, so its first fetch waits this long. Default 100.
   */
  askTimeoutMs?: number | undefined;
  /**
   * The lock manager. Default `navigator.locks`; without one (or with `null`) every tab fetches its
   * own token.
   */
  locks?: LockManagerLike | null | undefined;
  /** Clock, epoch ms. Default `Date.now`. */
  now?: (() => number) | undefined;
}

interface Question {
  readonly waitingFor: Set<string>;
  readonly exclude: string | undefined;
  readonly done: (entry: Entry | undefined) => void;
}

const TOMBSTONES = 32;

/**
 * A {@link TokenStore} shared by the tabs of one origin: one token fetch across every tab (Web
 * Locks), the token handed to the others (`BroadcastChannel`). Tokens live in memory only, never
 * in `localStorage` or `sessionStorage`. A tab opened later asks the others before it fetches.
 *
 * @example
 * import { BroadcastTokenStore } from 'axios-token-flight/browser';
 * const manager = new TokenManager({ store: new BroadcastTokenStore() });
 * attachTokenAuth(api, { provider, manager });
 */
export class BroadcastTokenStore implements TokenStore {
  readonly #entries = new Map<string, Entry>();
  readonly #sweep = new ExpirySweep<Entry>((entry) => entry.expiresAt);
  /** Recently deleted tokens: a late broadcast or answer must not bring them back. */
  readonly #deleted: string[] = [];
  readonly #peers = new Set<string>();
  readonly #questions = new Map<string, Question>();
  readonly #id = randomUUID();
  readonly #name: string;
  readonly #channel: BroadcastChannel;
  readonly #locks: LockManagerLike | undefined;
  readonly #lockTimeoutMs: number;
  readonly #askTimeoutMs: number;
  readonly #now: () => number;
  /** From `#helloAt` until `#helloUntil`, peers may exist that have not said `here` yet. */
  readonly #helloAt: number;
  readonly #helloUntil: number;
  #closed = false;

  constructor(options: BroadcastTokenStoreOptions = {}) {
    this.#name = options.channel ?? 'axios-token-flight';
    this.#locks = options.locks === undefined ? defaultLocks() : (options.locks ?? undefined);
    this.#lockTimeoutMs = positive('lockTimeoutMs', options.lockTimeoutMs, 30_000);
    this.#askTimeoutMs = positive('askTimeoutMs', options.askTimeoutMs, 100);
    this.#now = options.now ?? wallClock;
    this.#helloAt = this.#now();
    this.#helloUntil = this.#helloAt + this.#askTimeoutMs;
    this.#channel = new BroadcastChannel(this.#name);
    // Whatever another tab sent was checked by readBroadcastMessage: receiving it cannot throw.
    this.#channel.onmessage = (event: MessageEvent<unknown>) => {
      const message = readBroadcastMessage(event.data);
      if (message !== undefined) this.#receive(message);
    };
    // In Node an open channel would keep the process alive.
    (this.#channel as { unref?: () => void }).unref?.();
    this.#post({ type: 'hello', from: this.#id });
  }

  get(key: string): Token | undefined {
    return this.#fresh(key)?.token;
  }

  set(key: string, token: Token, ttlMs: number): void {
    if (!(ttlMs > 0)) {
      this.#entries.delete(key);
      return;
    }
    const now = this.#now();
    const entry: Entry = { token, expiresAt: now + ttlMs };
    this.#keep(key, entry, now);
    this.#post({ type: 'set', from: this.#id, key, entry });
  }

  delete(key: string, accessToken?: string): boolean {
    this.#post(
      accessToken === undefined
        ? { type: 'delete', from: this.#id, key }
        : { type: 'delete', from: this.#id, key, accessToken },
    );
    return this.#remove(key, accessToken);
  }

  /**
   * Runs `fn` holding the lock every tab shares for `key`. Unless a new copy arrived while it waited,
   * it first asks the other tabs, so `fn` (which re-reads the store) finds a token another tab already has.
   */
  async singleFlight<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const locks = this.#locks;
    const before = this.#fresh(key)?.token.accessToken;
    const run = async (): Promise<T> => {
      // A token that arrived while this tab waited for the lock is the one the holder before it
      // fetched: asking again would only wait for tabs that are gone or frozen.
      const copy = this.#fresh(key)?.token.accessToken;
      if (copy === undefined || copy === before) await this.#askPeers(key);
      return fn();
    };
    if (locks === undefined) return run();
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new DOMException('Timed out waiting for the token lock', 'TimeoutError')),
      timerDelay(this.#lockTimeoutMs),
    );
    (timer as { unref?: () => void }).unref?.();
    return locks.request(`${this.#name}:${key}`, { signal: timeout.signal }, () => {
      clearTimeout(timer);
      return run();
    });
  }

  /** Leaves the channel; the store keeps working for this tab alone. */
  close(): void {
    if (this.#closed) return;
    this.#post({ type: 'bye', from: this.#id });
    this.#closed = true;
    this.#channel.close();
    for (const question of this.#questions.values()) question.done(undefined);
  }

  #fresh(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (this.#now() >= entry.expiresAt) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #remove(key: string, accessToken: string | undefined): boolean {
    const entry = this.#entries.get(key);
    if (accessToken !== undefined) this.#tombstone(accessToken);
    if (entry === undefined) return false;
    if (accessToken !== undefined && entry.token.accessToken !== accessToken) return false;
    if (accessToken === undefined) this.#tombstone(entry.token.accessToken);
    return this.#entries.delete(key);
  }

  #tombstone(accessToken: string): void {
    if (this.#deleted.includes(accessToken)) return;
    this.#deleted.push(accessToken);
    if (this.#deleted.length > TOMBSTONES) this.#deleted.shift();
  }

  /** Adopts `entry` unless it is expired or was deleted. Writes happen under the lock: the last one wins. */
  #accept(key: string, entry: Entry): void {
    const now = this.#now();
    if (entry.expiresAt <= now || this.#deleted.includes(entry.token.accessToken)) return;
    this.#keep(key, entry, now);
  }

  /** Keeps `entry`, dropping now and then the expired ones of keys nobody read again. */
  #keep(key: string, entry: Entry, now: number): void {
    this.#entries.set(key, entry);
    this.#sweep.written(this.#entries, now);
  }

  /** Resolves once a peer offers a token for `key` other than this tab's copy, all peers said no, or time is up. */
  #askPeers(key: string): Promise<void> {
    if (this.#closed || (this.#peers.size === 0 && !this.#mayHaveUnknownPeers())) return Promise.resolve();
    const id = randomUUID();
    return new Promise<void>((resolve) => {
      const timeUp = (): void => {
        if (!this.#questions.has(id)) return;
        // Whoever did not answer is gone (or frozen); it is welcome back when it speaks again.
        for (const peer of question.waitingFor) this.#peers.delete(peer);
        question.done(undefined);
      };
      const timer = setLateTimeout(timeUp, this.#askTimeoutMs);
      const question: Question = {
        waitingFor: new Set(this.#peers),
        exclude: this.#fresh(key)?.token.accessToken,
        done: (entry) => {
          clearTimeout(timer);
          this.#questions.delete(id);
          if (entry !== undefined) this.#accept(key, entry);
          resolve();
        },
      };
      this.#questions.set(id, question);
      this.#post({ type: 'ask', from: this.#id, key, id });
    });
  }

  /** Never called once closed: a closed channel delivers nothing. */
  #receive(message: Message): void {
    if (message.type === 'bye') {
      this.#peers.delete(message.from);
      return;
    }
    this.#peers.add(message.from);
    switch (message.type) {
      case 'hello':
        this.#post({ type: 'here', from: this.#id });
        return;
      case 'set':
        this.#accept(message.key, message.entry);
        return;
      case 'delete':
        this.#remove(message.key, message.accessToken);
        return;
      case 'ask': {
        const entry = this.#fresh(message.key);
        this.#post(
          entry === undefined
            ? { type: 'answer', from: this.#id, id: message.id }
            : { type: 'answer', from: this.#id, id: message.id, entry },
        );
        return;
      }
      case 'answer':
        this.#answered(message.id, message.from, message.entry);
        return;
      default:
    }
  }

  #answered(id: string, from: string, entry: Entry | undefined): void {
    const question = this.#questions.get(id);
    if (question === undefined) return;
    question.waitingFor.delete(from);
    const usable =
      entry !== undefined &&
      entry.token.accessToken !== question.exclude &&
      entry.expiresAt > this.#now() &&
      !this.#deleted.includes(entry.token.accessToken);
    if (usable) question.done(entry);
    else if (question.waitingFor.size === 0 && !this.#mayHaveUnknownPeers()) question.done(undefined);
  }

  /** Whether peers may exist that have not said `here` yet; not for the length of a clock set back. */
  #mayHaveUnknownPeers(): boolean {
    const now = this.#now();
    return now >= this.#helloAt && now < this.#helloUntil;
  }

  #post(message: Message): void {
    if (this.#closed) return;
    try {
      this.#channel.postMessage(message);
    } catch {
      // A token that cannot be cloned stays in this tab; the others fetch their own.
    }
  }
}

/**
 * `Infinity` is allowed (no limit; the timer is clamped to the longest delay). A `RangeError`, not
 * the core's error classes, keeps the core out of a browser bundle that only needs this store.
 */
function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
    throw new RangeError(`BroadcastTokenStore ${name} must be a positive number of ms`);
  }
  return value;
}

function defaultLocks(): LockManagerLike | undefined {
  const navigator = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return navigator?.locks;
}
