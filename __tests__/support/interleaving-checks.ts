import { inspect } from 'node:util';
import { isAxiosError, isCancel } from 'axios';
import { TokenRequestError } from '../../src/errors.js';
import type { TokenEvent } from '../../src/token-events.js';
import type { FakeApi, RequestRecord } from './interleaving-api.js';
import type { ControlledProvider } from './interleaving-provider.js';
import type { World } from './interleaving-world.js';

/** A `getToken` call of the run. */
export interface TokenCall {
  readonly id: number;
  readonly key: string;
  readonly force: boolean;
  readonly seq: number;
  /** The token `peekToken` gave just before a forced call: the one it is to replace. */
  readonly replacing: string | undefined;
  readonly controller: AbortController | undefined;
  aborted: boolean;
  outcome?:
    { readonly ok: true; readonly accessToken: string } | { readonly ok: false; readonly error: unknown };
}

/** What a request settled with must be explained by what happened to it. */
export function checkOutcome(world: World, record: RequestRecord): void {
  const outcome = record.outcome;
  const what = `req${record.id}`;
  if (outcome === undefined) return;
  const last = record.sends[record.sends.length - 1];
  const carriedOurs = record.sends[0]?.accessToken !== undefined && typeof record.expected === 'object';
  if (outcome.ok) {
    if (last === undefined) world.violation(`${what} resolved without being sent`);
    else if (last.status !== outcome.status)
      world.violation(`${what} resolved with ${outcome.status}, not its last answer`);
    if (!record.acceptAll && outcome.status >= 300)
      world.violation(`${what} resolved with ${outcome.status}`);
    if (outcome.status === 401 && carriedOurs && record.sends.length < 2)
      world.violation(`${what} 401 not replayed`);
    return;
  }
  const error = outcome.error;
  if (isCancel(error)) {
    if (!record.aborted) world.violation(`${what} canceled but never aborted`);
  } else if (error instanceof TokenRequestError) {
    if (typeof record.expected !== 'object')
      world.violation(`${what} needs no token but failed with ${error.message}`);
    else if (error.providerKey !== record.expected.key)
      world.violation(`${what} failed for key ${error.providerKey}`);
    else world.explainFailure(what, record.expected.key, record.issueSeq, error);
  } else if (isAxiosError(error) && error.code === 'ECONNABORTED') {
    if (record.timeout === undefined) world.violation(`${what} timed out without a timeout`);
  } else if (isAxiosError(error) && error.response !== undefined) {
    const status = error.response.status;
    if (last?.status !== status) world.violation(`${what} rejected with ${status}, not its last answer`);
    if (status === 401 && carriedOurs && record.sends.length < 2) world.violation(`${what} 401 not replayed`);
  } else {
    world.violation(`${what} rejected with an unexpected ${inspect(error, { depth: 1 })}`);
  }
}

/**
 * A forced `getToken` hands out another token than the one callers had before it, unless the
 * provider gave it again.
 */
export function checkTokenCall(world: World, call: TokenCall): void {
  const outcome = call.outcome;
  if (outcome === undefined) return;
  const what = `getToken#${call.id}`;
  if (outcome.ok) {
    const deliveries = world.deliveries.get(outcome.accessToken) ?? [];
    if (!deliveries.some((delivery) => delivery.key === call.key))
      world.violation(`${what} gave a foreign token`);
    if (!world.sendable(outcome.accessToken))
      world.violation(`${what} gave ${outcome.accessToken} past its schedule`);
    if (
      call.force &&
      outcome.accessToken === call.replacing &&
      world.handedOutBefore(outcome.accessToken, world.boundaryBefore(call.seq)) &&
      !world.deliveredAfter(outcome.accessToken, call.seq)
    ) {
      world.violation(`${what} forced, but gave the token it was to replace`);
    }
    return;
  }
  if (call.aborted) return;
  world.explainFailure(what, call.key, call.seq, outcome.error);
}

/**
 * After the microtasks ran, a request waiting for a token has a token request of its key running,
 * and an aborted one has settled.
 */
export function checkWaiting(world: World, api: FakeApi, providers: readonly ControlledProvider[]): void {
  for (const record of api.requests.values()) {
    if (record.outcome !== undefined || record.held || record.stuckReported) continue;
    if (record.aborted && world.storeCalls === 0) {
      // An aborted request ends its wait (or its call) at once; a replay first waits for the
      // store to delete the token that got the 401.
      record.stuckReported = true;
      world.violation(`req${record.id} still pending after its abort`);
      continue;
    }
    if (record.outstanding || typeof record.expected !== 'object') continue;
    const last = record.sends[record.sends.length - 1];
    // Waiting for its first token, or for the token of its replay.
    if (last !== undefined && (last.status !== 401 || record.sends.length > 1)) continue;
    const { key } = record.expected;
    if (world.storeCalls > 0) continue;
    if (!providers.some((provider) => provider.key === key && provider.pending.length > 0)) {
      record.stuckReported = true;
      world.violation(`req${record.id} waits for a token of ${key}, but no token request runs`);
    }
  }
}

/** A `getToken` whose signal aborted has settled once the microtasks ran. */
export function checkAbortedCalls(world: World, calls: readonly TokenCall[]): void {
  for (const call of calls) {
    if (call.aborted && call.outcome === undefined) {
      call.aborted = false;
      world.violation(`getToken#${call.id} still pending after its abort`);
    }
  }
}

/** Events never carry a token; their counts match what the providers saw. */
export function checkEvents(
  world: World,
  events: readonly TokenEvent[],
  providers: readonly ControlledProvider[],
  api: FakeApi,
): void {
  const tokens = [...world.deliveries.keys()];
  for (const event of events) {
    const text = `${JSON.stringify(event, safeJson)} ${inspect(event, { depth: 6 })}`;
    const leaked = tokens.find((token) => text.includes(token));
    if (leaked !== undefined) world.violation(`event ${event.type} carries ${leaked}`);
  }
  const count = (type: TokenEvent['type'], key: string): number =>
    events.filter((event) => event.type === type && event.key === key).length;
  for (const key of new Set(providers.map((provider) => provider.key))) {
    const ofKey = providers.filter((provider) => provider.key === key);
    const calls = ofKey.reduce((sum, provider) => sum + provider.calls, 0);
    const backgroundCalls = ofKey.reduce((sum, provider) => sum + provider.backgroundCalls, 0);
    const successes = ofKey.reduce((sum, provider) => sum + provider.successes, 0);
    const fetches = count('fetch', key);
    const background = events.filter((e) => e.type === 'fetch' && e.key === key && e.background).length;
    const ended = count('fetched', key) + count('fetch_failed', key);
    if (fetches !== calls) world.violation(`${fetches} fetch events for ${calls} fetches of ${key}`);
    if (background !== backgroundCalls) world.violation(`${background} background fetch events of ${key}`);
    if (ended !== calls)
      world.violation(`${ended} fetched/fetch_failed events for ${calls} fetches of ${key}`);
    if (count('fetched', key) > successes) world.violation(`more fetched events than tokens of ${key}`);
  }
  const retried = [...api.requests.values()].filter(
    (record) =>
      typeof record.expected === 'object' &&
      record.sends[0]?.status === 401 &&
      record.sends[0].accessToken !== undefined,
  ).length;
  const retries = events.filter((event) => event.type === 'retry').length;
  if (retries !== retried) world.violation(`${retries} retry events for ${retried} first answers 401`);
}

function safeJson(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message, cause: value.cause } : value;
}
