import axios, { type AxiosInstance, type AxiosRequestConfig } from 'axios';
import { attachTokenAuth } from '../../src/attach-token-auth.js';
import type { AttachTokenAuthOptions } from '../../src/attach-token-auth-options.js';
import type { TokenEvent } from '../../src/token-events.js';
import { TokenManager } from '../../src/token-manager.js';
import { CALLER_HEADER, FakeApi, type Expected, type RequestRecord } from './interleaving-api.js';
import { checkOutcome, checkTokenCall, type TokenCall } from './interleaving-checks.js';
import { ControlledProvider } from './interleaving-provider.js';
import { storeFor, type StoreKind } from './interleaving-stores.js';
import { World } from './interleaving-world.js';
import { seededRandom, type Random } from './seeded-random.js';

const BASE_URL = 'https://api.example';

/** What a request of the run is: which provider, header or origin it comes with. */
export type Kind = 'default' | 'override' | 'twin' | 'off' | 'foreign' | 'caller' | 'public';

export interface Instance {
  readonly client: AxiosInstance;
  /** Has an async interceptor, registered before the plugin, that may hold a request. */
  readonly holdable: boolean;
  readonly options: AttachTokenAuthOptions;
  detach: (() => void) | undefined;
}

/**
 * Everything one seed runs against: the model, the API, three providers (`twin` is another object
 * with the key of `a`: the two share one token), a manager with the store the seed drew, and two
 * axios instances (one plain, one whose async interceptor may hold requests, choosing its provider
 * per request).
 */
export class Scene {
  readonly random: Random;
  readonly world: World;
  readonly api: FakeApi;
  readonly providers: readonly ControlledProvider[];
  readonly a: ControlledProvider;
  readonly b: ControlledProvider;
  readonly twin: ControlledProvider;
  readonly manager: TokenManager;
  readonly events: TokenEvent[] = [];
  readonly instances: readonly Instance[];
  readonly holds = new Map<number, () => void>();
  readonly calls: TokenCall[] = [];
  #nextId = 0;

  constructor(seed: number) {
    const random = seededRandom(seed);
    this.random = random;
    const storeKind = random.pick<StoreKind>(['own', 'own', 'memory', 'async', 'slow', 'flaky', 'locked']);
    const minValidityMs = random.pick([undefined, undefined, 500]);
    const world = new World({
      refreshSkewMs: random.pick([60_000, 10_000, 2_000]),
      minValidityMs,
      defaultTtlMs: random.pick([300_000, 20_000, 3_000]),
      failureCooldownMs: random.pick([0, 0, 0, 2_000]),
      ownStore: storeKind === 'own',
    });
    this.world = world;
    world.note(`seed ${seed}: ${storeKind} store, ${JSON.stringify(world.options)}`);
    const api = new FakeApi(world);
    this.api = api;
    this.providers = [
      ['A', 'A'],
      ['B', 'B'],
      ['A', 'T'],
    ].map(([key, name]) => new ControlledProvider(key as string, name as string, world, random, api));
    [this.a, this.b, this.twin] = this.providers as [
      ControlledProvider,
      ControlledProvider,
      ControlledProvider,
    ];
    const store = storeFor(storeKind, seededRandom(seed ^ 0x9e3779b9), world);
    const manager = new TokenManager({
      refreshSkewMs: world.options.refreshSkewMs,
      defaultTtlMs: world.options.defaultTtlMs,
      failureCooldownMs: world.options.failureCooldownMs,
      ...(minValidityMs === undefined ? {} : { minValidityMs }),
      ...(store === undefined ? {} : { store }),
      onEvent: (event) => {
        this.events.push(event);
        if (event.type === 'fetch_failed') world.failureReported(event.error);
        if (event.type === 'fetched') world.fetched(event.key);
      },
      now: () => Date.now(),
    });
    // Invalidations count from the call, the plugin's after a 401 as much as the run's own.
    const invalidate = manager.invalidate.bind(manager);
    manager.invalidate = (key, accessToken) => {
      const done = world.invalidated(key, accessToken, 'invalidate');
      return invalidate(key, accessToken).finally(done);
    };
    this.manager = manager;
    this.instances = [false, true].map((holdable) => this.#instance(holdable));
  }

  #instance(holdable: boolean): Instance {
    const { api, a, holds } = this;
    const client = axios.create({ baseURL: BASE_URL, adapter: api.adapter });
    if (holdable) {
      // Registered first, so it runs after the plugin's interceptor, with the token already set.
      client.interceptors.request.use(async (config) => {
        const id = Number(config.headers.get('x-req'));
        if (api.requests.get(id)?.held === true) await new Promise<void>((resolve) => holds.set(id, resolve));
        return config;
      });
    }
    const options: AttachTokenAuthOptions = {
      manager: this.manager,
      provider: holdable ? (config) => (config.url?.startsWith('/public') ? undefined : a) : a,
    };
    return { client, holdable, options, detach: attachTokenAuth(client, options) };
  }

  kindFor(instance: Instance): Kind {
    return this.random.pick<Kind>([
      'default',
      'default',
      'default',
      'override',
      'twin',
      'off',
      'foreign',
      'caller',
      ...(instance.holdable ? (['public'] as const) : []),
    ]);
  }

  /** Issues a request of `kind` on `instance`, with a timeout, a signal, a hold, drawn at random. */
  issue(instance: Instance, kind: Kind): void {
    const { random, world, api, a, b, twin } = this;
    this.#nextId += 1;
    const id = this.#nextId;
    const timeout = random.chance(0.2) ? random.pick([100, 1_000, 5_000]) : undefined;
    const controller = random.chance(0.3) ? new AbortController() : undefined;
    const acceptAll = random.chance(0.1);
    const attached = instance.detach !== undefined;
    const expected: Expected =
      kind === 'caller'
        ? 'caller'
        : !attached || kind === 'off' || kind === 'foreign' || kind === 'public'
          ? 'none'
          : { key: kind === 'override' ? b.key : a.key };
    const held = instance.holdable && random.chance(0.3);
    const issueSeq = world.note(
      `issue req${id} on ${instance.holdable ? 'held' : 'plain'} ${kind}` +
        `${attached ? '' : ' (detached)'}${timeout ? ` timeout=${timeout}` : ''}${controller ? ' abortable' : ''}${held ? ' held' : ''}`,
    );
    const record: RequestRecord = {
      id,
      instance: instance.holdable ? 1 : 0,
      expected,
      issueSeq,
      holdable: instance.holdable,
      timeout,
      acceptAll,
      controller,
      aborted: false,
      held,
      sends: [],
      outstanding: false,
    };
    api.requests.set(id, record);
    const config: AxiosRequestConfig = {
      url: kind === 'foreign' ? 'https://other.example/data' : kind === 'public' ? '/public' : '/data',
      headers: { 'x-req': String(id), ...(kind === 'caller' ? { Authorization: CALLER_HEADER } : {}) },
      ...(kind === 'off' ? { tokenAuth: false } : {}),
      ...(kind === 'override' || kind === 'twin'
        ? { tokenAuth: { provider: kind === 'twin' ? twin : b } }
        : {}),
      ...(timeout === undefined ? {} : { timeout }),
      ...(controller === undefined ? {} : { signal: controller.signal }),
      ...(acceptAll ? { validateStatus: () => true } : {}),
    };
    instance.client.request(config).then(
      (response) => {
        record.outcome = { ok: true, status: response.status };
        world.note(`req${id} resolved ${response.status}`);
        checkOutcome(world, record);
      },
      (error: unknown) => {
        record.outcome = { ok: false, error };
        world.note(`req${id} rejected ${(error as Error)?.name}: ${(error as Error)?.message}`);
        checkOutcome(world, record);
      },
    );
  }

  /** A `getToken` call of the app, forced or not, with a signal or not. */
  getToken(): void {
    const { random, world, manager, calls, a, b, twin } = this;
    const provider = random.weighted([
      [a, 6],
      [b, 2],
      [twin, 2],
    ] as const);
    const force = random.chance(0.6);
    const controller = random.chance(0.3) ? new AbortController() : undefined;
    const replacing = force ? manager.peekToken(provider)?.accessToken : undefined;
    const seq = world.note(`getToken#${calls.length + 1} ${provider.key}${force ? ' forced' : ''}`);
    const call: TokenCall = {
      id: calls.length + 1,
      key: provider.key,
      force,
      seq,
      replacing,
      controller,
      aborted: false,
    };
    calls.push(call);
    manager
      .getToken(provider, { forceRefresh: force, ...(controller ? { signal: controller.signal } : {}) })
      .then(
        (token) => {
          call.outcome = { ok: true, accessToken: token.accessToken };
          world.handOut(token.accessToken);
          world.note(`getToken#${call.id} gave ${token.accessToken}`);
          checkTokenCall(world, call);
        },
        (error: unknown) => {
          call.outcome = { ok: false, error };
          world.note(`getToken#${call.id} failed: ${String(error)}`);
          checkTokenCall(world, call);
        },
      );
  }

  release(id: number): void {
    const record = this.api.requests.get(id);
    if (record !== undefined) record.held = false;
    this.world.note(`release req${id}`);
    this.holds.get(id)?.();
    this.holds.delete(id);
  }

  /** How often each thing happened, to see what the seeds cover. */
  stats(): Record<string, number> {
    const records = [...this.api.requests.values()];
    const count = (test: (record: RequestRecord) => boolean): number => records.filter(test).length;
    const sum = (of: (provider: ControlledProvider) => number): number =>
      this.providers.reduce((total, provider) => total + of(provider), 0);
    return {
      requests: records.length,
      replayed: count((record) => record.sends.length === 2),
      canceled: count((record) => record.aborted && record.outcome?.ok === false),
      tokenFailures: count(
        (record) =>
          record.outcome?.ok === false &&
          record.outcome.error instanceof Error &&
          record.outcome.error.name === 'TokenRequestError',
      ),
      fetches: sum((provider) => provider.calls),
      backgroundFetches: sum((provider) => provider.backgroundCalls),
      disposes: this.world.trace.filter((line) => line.endsWith(' dispose')).length,
    };
  }
}
