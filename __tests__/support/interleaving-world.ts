/**
 * What a randomized run knows independently of the library: every token a provider handed out (each
 * delivery with its schedule), every invalidation and dispose, every failed fetch, in one sequence of
 * numbered events. The invariants of the run are checked against it.
 */

/** One time a provider answered with an access token. */
export interface Delivery {
  /** The provider's answer; once the manager took it (its `fetched` event), that event. */
  seq: number;
  readonly key: string;
  /** When its token request started (the manager counts the lifetime from there). */
  readonly startedAt: number;
  readonly arrivedAt: number;
  /** As the manager caches it: a missing expiry is `defaultTtlMs` from the start. */
  readonly expiresAt: number;
  /** From here on a request starts a background refresh (and still sends the token). */
  readonly refreshAt: number;
  /** From here on the token must not be sent any more (SPEC: `now < waitAt`). */
  readonly waitAt: number;
}

interface Failure {
  readonly key: string;
  readonly credentials: boolean;
  /** When the manager saw it, and could start a cool-down. */
  cooledFrom: number | undefined;
  /** The event at which a caller first got it. */
  seenAt: number | undefined;
}

interface Invalidation {
  readonly key: string;
  /** `undefined`: whatever the key had. */
  readonly accessToken: string | undefined;
  readonly seq: number;
  /**
   * When its promise resolved. Naming no token, with none cached, the manager cannot know the
   * token a store passed in holds: a fetch that reads it before the store's delete lands adopts it
   * (it is concurrent with the call), and a store's failed delete keeps it. So only with its own
   * store does such a call drop a token for good.
   */
  doneSeq: number | undefined;
}

export interface WorldOptions {
  readonly refreshSkewMs: number;
  readonly minValidityMs: number | undefined;
  readonly defaultTtlMs: number;
  readonly failureCooldownMs: number;
  /**
   * The manager keeps its own store: then tokens are sent by the strict schedule and a dispose
   * forgets every token. A store passed in outlives a dispose, and tokens adopted from it start
   * their life when read.
   */
  readonly ownStore: boolean;
}

export class World {
  readonly options: WorldOptions;
  readonly violations: string[] = [];
  readonly trace: string[] = [];
  /** Deliveries by access token. */
  readonly deliveries = new Map<string, Delivery[]>();
  latest: Delivery | undefined;
  /** When callers got each token (sent with a request, or from getToken). */
  readonly #handedOut = new Map<string, number[]>();
  readonly #invalidations: Invalidation[] = [];
  readonly #disposals: number[] = [];
  /** The failures the providers answered with, by the mark their errors carry. */
  readonly #failures = new Map<string, Failure>();
  readonly #inFlight = new Map<string, number>();
  readonly #unconfirmed: Delivery[] = [];
  readonly #boundaries: number[] = [];
  /** Store calls still running (a slow store answers turns of the event loop later). */
  storeCalls = 0;
  #seq = 0;

  constructor(options: WorldOptions) {
    this.options = options;
  }

  get seq(): number {
    return this.#seq;
  }

  now(): number {
    return Date.now();
  }

  /** Numbers an event and records it in the trace. */
  note(what: string): number {
    this.#seq += 1;
    this.trace.push(`${this.#seq} @${this.now()} ${what}`);
    return this.#seq;
  }

  violation(message: string): void {
    this.violations.push(`#${this.#seq} @${this.now()}: ${message}`);
  }

  delivered(key: string, accessToken: string, startedAt: number, expiresAt: number | null): void {
    const seq = this.note(`delivered ${accessToken} (${key}) expiresAt=${expiresAt}`);
    const cachedExpiry = expiresAt ?? startedAt + this.options.defaultTtlMs;
    const delivery: Delivery = {
      seq,
      key,
      startedAt,
      arrivedAt: this.now(),
      expiresAt: cachedExpiry,
      ...this.#schedule(cachedExpiry, startedAt),
    };
    this.latest = delivery;
    this.#unconfirmed.push(delivery);
    this.deliveries.set(accessToken, [...(this.deliveries.get(accessToken) ?? []), delivery]);
  }

  /** A token request of `key` starts; how many of its key now run. */
  fetchStarted(key: string): number {
    const running = (this.#inFlight.get(key) ?? 0) + 1;
    this.#inFlight.set(key, running);
    return running;
  }

  fetchEnded(key: string): void {
    this.#inFlight.set(key, (this.#inFlight.get(key) ?? 1) - 1);
  }

  /**
   * The manager took the token of `key`'s last answer (its `fetched` event, one flight per key at a
   * time): from here on it caches it, whatever was invalidated just before.
   */
  fetched(key: string): void {
    const index = this.#unconfirmed.map((delivery) => delivery.key).lastIndexOf(key);
    const delivery = this.#unconfirmed[index];
    if (delivery === undefined) return;
    this.#unconfirmed.splice(index, 1);
    delivery.seq = this.note(`the manager took the answer of ${key}`);
  }

  /** A provider failed; `mark` names the failure in its error's text. */
  fetchFailed(key: string, mark: string, credentials: boolean): void {
    this.note(`fetch ${mark} failed${credentials ? ' (credentials)' : ''}`);
    this.#failures.set(mark, { key, credentials, cooledFrom: undefined, seenAt: undefined });
  }

  /** The manager reported the failure: a cool-down, if any, starts now. */
  failureReported(error: unknown): void {
    const failure = this.#failures.get(markOf(error) ?? '');
    if (failure !== undefined) failure.cooledFrom = this.now();
  }

  /** `invalidate` is called; the returned function is called when its promise resolves. */
  invalidated(key: string, accessToken: string | undefined, why: string): () => void {
    const seq = this.note(`invalidate ${key} ${accessToken ?? '(any)'} (${why})`);
    const invalidation: Invalidation = { key, accessToken, seq, doneSeq: undefined };
    this.#invalidations.push(invalidation);
    return () => {
      invalidation.doneSeq = this.note(`invalidate ${key} ${accessToken ?? '(any)'} done`);
    };
  }

  disposed(): void {
    this.#disposals.push(this.note('dispose'));
  }

  /** Whether `accessToken` may be sent now: before its waitAt, or at once on arrival to its waiters. */
  sendable(accessToken: string): boolean {
    const now = this.now();
    return (this.deliveries.get(accessToken) ?? []).some(
      (delivery) =>
        now === delivery.arrivedAt || now < (this.options.ownStore ? delivery.waitAt : delivery.expiresAt),
    );
  }

  /**
   * Whether `accessToken` was dropped before event `droppedBefore` and not handed out again by the
   * manager before event `at`.
   */
  dead(key: string, accessToken: string, droppedBefore: number, at: number): boolean {
    const deliveries = this.deliveries.get(accessToken) ?? [];
    const redeliveredAfter = (since: number): boolean =>
      deliveries.some((delivery) => delivery.seq > since && delivery.seq < at);
    const known = (seq: number): boolean => this.handedOutBefore(accessToken, seq);
    const dropped = this.#invalidations.some(
      (inv) =>
        inv.key === key &&
        inv.seq < droppedBefore &&
        (inv.accessToken === undefined
          ? this.options.ownStore && inv.doneSeq !== undefined && inv.doneSeq < droppedBefore
          : inv.accessToken === accessToken) &&
        known(inv.seq) &&
        !redeliveredAfter(inv.seq),
    );
    const forgotten =
      this.options.ownStore &&
      this.#disposals.some((seq) => seq < droppedBefore && known(seq) && !redeliveredAfter(seq));
    return dropped || forgotten;
  }

  /** Everything that was running has settled (no microtask, no pending turn of the library). */
  boundary(): void {
    this.#boundaries.push(this.#seq);
  }

  /**
   * The last quiet moment before event `seq`. What the app did after it, in the same turn as other
   * calls of its own, is concurrent with them: a fetch that already brought its token hands it to
   * its waiters a few microtasks later whatever was invalidated in between.
   */
  boundaryBefore(seq: number): number {
    for (let i = this.#boundaries.length - 1; i >= 0; i -= 1) {
      const boundary = this.#boundaries[i] as number;
      if (boundary < seq) return boundary;
    }
    return 0;
  }

  /** A caller got `accessToken`. */
  handOut(accessToken: string): void {
    this.#handedOut.set(accessToken, [...(this.#handedOut.get(accessToken) ?? []), this.#seq]);
  }

  /** The tokens callers got, most recent last. */
  get handedOut(): string[] {
    return [...this.#handedOut.keys()];
  }

  /**
   * Whether a caller got `accessToken` from its latest delivery before event `at`. Only then is it
   * the token an app knows: the waiters of the fetch that just brought it are handed it a few
   * microtasks after the manager cached it, and an `invalidate`, a `dispose` or a forced refresh in
   * between is concurrent with that fetch.
   */
  handedOutBefore(accessToken: string, at: number): boolean {
    const delivered = (this.deliveries.get(accessToken) ?? []).map((d) => d.seq).filter((s) => s < at);
    const since = delivered.length === 0 ? 0 : Math.max(...delivered);
    return (this.#handedOut.get(accessToken) ?? []).some((handed) => handed > since && handed < at);
  }

  /**
   * Checks the failure a caller of `key` that started waiting at event `seq` got: a provider failure
   * no caller had seen before (concurrent callers share one), one in its cool-down, or the abort of
   * a dispose that came later.
   */
  explainFailure(what: string, key: string, seq: number, error: unknown): void {
    const mark = markOf(error);
    const failure = mark === undefined ? undefined : this.#failures.get(mark);
    if (failure === undefined) {
      if (!textOf(error).includes('disposed')) this.violation(`${what} failed with ${textOf(error)}`);
      else if (!this.#disposals.some((at) => at > seq))
        this.violation(`${what} got the abort of an earlier dispose`);
      return;
    }
    if (failure.key !== key) this.violation(`${what} failed with ${mark}, a failure of ${failure.key}`);
    const cooling =
      failure.credentials &&
      failure.cooledFrom !== undefined &&
      this.now() < failure.cooledFrom + this.options.failureCooldownMs;
    if (failure.seenAt === undefined) failure.seenAt = this.seq;
    else if (seq > failure.seenAt && !cooling)
      this.violation(`${what} failed with ${mark}, seen by callers before it waited`);
  }

  /** Whether a delivery of `accessToken` happened after event `seq`. */
  deliveredAfter(accessToken: string, seq: number): boolean {
    return (this.deliveries.get(accessToken) ?? []).some((delivery) => delivery.seq > seq);
  }

  /**
   * The README's schedule: refresh from `expiresAt − min(refreshSkewMs, lifetime / 2)`, stop sending
   * at `expiresAt − minValidity`, minValidity 10 % of the lifetime, ≥ 1 s, ≤ half the refresh window,
   * and any value ≤ ¼ of the lifetime.
   */
  #schedule(expiresAt: number, issuedAt: number): { refreshAt: number; waitAt: number } {
    const lifetime = Math.max(0, expiresAt - issuedAt);
    const window = Math.min(this.options.refreshSkewMs, lifetime / 2);
    const fallback = Math.min(Math.max(lifetime / 10, 1000), window / 2);
    const waitAt = expiresAt - Math.min(this.options.minValidityMs ?? fallback, lifetime / 4);
    return { refreshAt: Math.min(expiresAt - window, waitAt), waitAt };
  }
}

/** The text of an error as a caller sees it: message, description, and its cause's message. */
function textOf(error: unknown): string {
  const { message, description, cause } = (error ?? {}) as {
    message?: unknown;
    description?: unknown;
    cause?: unknown;
  };
  const causeMessage = (cause as { message?: unknown } | undefined)?.message;
  return [message, description, causeMessage].map((part) => String(part ?? '')).join(' ');
}

/** The `[name#call]` mark a provider failure of the run carries. */
function markOf(error: unknown): string | undefined {
  return /\[\w+#\d+\]/.exec(textOf(error))?.[0];
}
