import { attachTokenAuth } from '../../src/attach-token-auth.js';
import { checkAbortedCalls, checkEvents, checkWaiting } from './interleaving-checks.js';
import { ANSWERS } from './interleaving-provider.js';
import { Scene, type Instance } from './interleaving-scene.js';

/**
 * One randomized run: a seed draws the manager's options, its store and a sequence of operations
 * (requests of every kind, aborts, answers of the token endpoint and the API, revocations, clock
 * steps, invalidations, forced refreshes, disposes, detach and re-attach), interleaved with the
 * microtasks between them. Needs jest's fake timers with `setImmediate` left real.
 */
export interface RunResult {
  readonly seed: number;
  readonly violations: readonly string[];
  readonly trace: readonly string[];
  /** How often each thing happened, to see what the seeds cover. */
  readonly stats: Readonly<Record<string, number>>;
}

const START = 1_700_000_000_000;
type Op =
  | 'request'
  | 'burst'
  | 'fetch'
  | 'api'
  | 'revoke'
  | 'advance'
  | 'abort'
  | 'release'
  | 'window'
  | 'invalidate'
  | 'getToken'
  | 'dispose'
  | 'toggle';
const OPS: ReadonlyArray<readonly [Op, number]> = [
  ['request', 30],
  ['burst', 3],
  ['fetch', 12],
  ['api', 18],
  ['revoke', 4],
  ['advance', 10],
  ['window', 4],
  ['abort', 4],
  ['release', 5],
  ['invalidate', 2],
  ['getToken', 4],
  ['dispose', 1],
  ['toggle', 1],
];
/** Answers from the network and timers, which come on turns of their own. */
const EXTERNAL = new Set<Op>(['fetch', 'api', 'revoke', 'advance', 'window', 'release']);
const STEPS_MS = [1, 50, 300, 1_000, 4_000, 20_000, 70_000, 250_000];

/** Lets every microtask and `setImmediate` step of the library run. */
export async function settle(turns = 8): Promise<void> {
  for (let turn = 0; turn < turns; turn += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

export async function runSeed(seed: number, steps = 80): Promise<RunResult> {
  jest.clearAllTimers();
  jest.setSystemTime(START);
  const scene = new Scene(seed);
  const { world, api, providers, random, a } = scene;
  try {
    if (random.chance(0.5)) {
      // A cold burst makes exactly one token request.
      await step(scene, 'burst', true);
      while (world.storeCalls > 0) await settle();
      if (a.calls !== 1) world.violation(`a cold burst made ${a.calls} token requests`);
    }
    for (let n = 0; n < steps; n += 1) await step(scene, random.weighted(OPS), false, random.chance(0.3));
    await drain(scene);
    for (const record of api.requests.values()) {
      if (record.outcome === undefined) world.violation(`req${record.id} never settled`);
    }
    for (const call of scene.calls) {
      if (call.outcome === undefined) world.violation(`getToken#${call.id} never settled`);
    }
    checkEvents(world, scene.events, providers, api);
  } finally {
    scene.manager.dispose();
  }
  return { seed, violations: world.violations, trace: world.trace, stats: scene.stats() };
}

/**
 * Runs `op`. The app's own calls often come in one turn (`chained`), before the promises of the one
 * before settled; after the others everything settles and the liveness checks run.
 */
async function step(scene: Scene, op: Op, cold = false, chained = false): Promise<void> {
  const { world, api, providers, random, manager, calls, holds, instances, a, b } = scene;
  // An answer from the network or a timer comes on a turn of its own, after the microtasks of the
  // app's calls before it; a store answers within its timeout, far shorter than the clock steps.
  if (EXTERNAL.has(op)) await settle(1);
  if (op === 'advance' || op === 'window') while (world.storeCalls > 0) await settle();
  const pendingFetches = providers.flatMap((provider) => provider.pending);
  switch (op) {
    case 'request': {
      const instance = random.pick(instances);
      scene.issue(instance, scene.kindFor(instance));
      break;
    }
    case 'burst': {
      const instance = cold ? (instances[0] as Instance) : random.pick(instances);
      for (let count = random.int(2, 12); count > 0; count -= 1) scene.issue(instance, 'default');
      break;
    }
    case 'fetch':
      if (pendingFetches.length > 0) random.pick(pendingFetches).answer(random.weighted(ANSWERS));
      break;
    case 'api':
      if (api.calls.length > 0) random.pick(api.calls).answer(random.chance(0.04));
      break;
    case 'revoke': {
      const live = [...world.deliveries.keys()].filter((token) => !api.revoked.has(token));
      if (live.length > 0) api.revoke(random.pick(live.slice(-3)));
      break;
    }
    case 'advance': {
      const ms = random.pick(STEPS_MS);
      world.note(`advance ${ms} ms`);
      await jest.advanceTimersByTimeAsync(ms);
      break;
    }
    case 'window': {
      // Into the refresh window of the latest token, where one request starts a background refresh.
      const latest = world.latest;
      const from = Math.max(latest?.refreshAt ?? 0, world.now());
      const to = latest?.waitAt ?? 0;
      if (from >= to) break;
      const ms = Math.ceil(from + random.next() * (to - from)) - world.now();
      world.note(`advance ${ms} ms into the refresh window`);
      await jest.advanceTimersByTimeAsync(ms);
      break;
    }
    case 'abort': {
      const abortable = [...api.requests.values()].filter((r) => r.controller && !r.aborted && !r.outcome);
      const calling = calls.filter((call) => call.controller && !call.aborted && !call.outcome);
      if (abortable.length > 0 && (calling.length === 0 || random.chance(0.8))) {
        const record = random.pick(abortable);
        record.aborted = true;
        world.note(`abort req${record.id}`);
        record.controller?.abort();
      } else if (calling.length > 0) {
        const call = random.pick(calling);
        call.aborted = true;
        world.note(`abort getToken#${call.id}`);
        call.controller?.abort();
      }
      break;
    }
    case 'release': {
      const ids = [...holds.keys()];
      if (ids.length > 0) scene.release(random.pick(ids));
      break;
    }
    case 'invalidate': {
      const provider = random.chance(0.8) ? a : b;
      // An app can name only a token it was given.
      const known = world.handedOut.filter((token) => world.deliveries.get(token)?.[0]?.key === provider.key);
      const accessToken = known.length > 0 && random.chance(0.7) ? random.pick(known.slice(-2)) : undefined;
      void manager.invalidate(provider.key, accessToken);
      break;
    }
    case 'getToken':
      scene.getToken();
      break;
    case 'dispose':
      world.disposed();
      manager.dispose();
      break;
    case 'toggle': {
      const instance = random.pick(instances);
      if (instance.detach !== undefined) {
        world.note(`detach ${instance.holdable ? 'held' : 'plain'}`);
        instance.detach();
        instance.detach = undefined;
      } else {
        world.note(`attach ${instance.holdable ? 'held' : 'plain'}`);
        instance.detach = attachTokenAuth(instance.client, instance.options);
      }
      break;
    }
  }
  if (chained && !EXTERNAL.has(op)) return;
  await settle();
  world.boundary();
  checkWaiting(world, api, providers);
  checkAbortedCalls(world, calls);
}

/** Answers everything still open, with good tokens and honest answers, until the run is quiet. */
async function drain(scene: Scene): Promise<void> {
  const { world, api, providers, holds } = scene;
  world.note('drain');
  for (let round = 0; round < 60; round += 1) {
    // Each answer on a turn of its own, as the network delivers them.
    const answers = [
      ...[...holds.keys()].map((id) => () => scene.release(id)),
      ...providers.flatMap((provider) => provider.pending.map((fetch) => () => fetch.answer('long'))),
      ...api.calls.map((call) => () => call.answer(false)),
    ];
    for (const answer of answers) {
      answer();
      await settle(1);
    }
    await settle();
    const open =
      [...api.requests.values()].some((record) => record.outcome === undefined) ||
      scene.calls.some((call) => call.outcome === undefined);
    const busy =
      providers.some((provider) => provider.pending.length > 0) ||
      api.calls.length > 0 ||
      world.storeCalls > 0;
    if (!open && !busy) return;
    if (!busy && open) await jest.advanceTimersByTimeAsync(1_000);
  }
}
