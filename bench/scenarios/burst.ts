import axios from 'axios';
import type { Contender } from '../contenders/contender.js';
import { createLab, grantBody, type Lab } from '../in-process-adapter.js';
import { collectGarbage } from '../stats.js';

/** How long the in-process token endpoint takes to answer in the burst scenarios, ms. */
export const TOKEN_DELAY_MS = 5;

/** One burst: `size` concurrent requests of one contender. */
export interface BurstRun {
  readonly tokenRequests: number;
  readonly failed: number;
  readonly unauthorized: number;
  readonly ms: number;
}

/**
 * A fresh client of `contender`, `prepare`d (e.g. given a token, then revoked), then `size`
 * concurrent `GET /resource`, timed from the first call to the last settlement.
 */
export async function burst(
  contender: Contender,
  size: number,
  prepare: (lab: Lab, get: () => Promise<unknown>) => Promise<void>,
): Promise<BurstRun> {
  const lab = createLab({ tokenDelayMs: TOKEN_DELAY_MS });
  const client = contender.create(lab);
  const get = (): Promise<unknown> => client.http.get('/resource');
  await prepare(lab, get);
  lab.resetCounters();
  collectGarbage();
  const started = performance.now();
  const calls: Promise<unknown>[] = [];
  for (let i = 0; i < size; i += 1) calls.push(get());
  const settled = await Promise.allSettled(calls);
  const ms = performance.now() - started;
  client.dispose();
  return {
    tokenRequests: lab.tokenRequests,
    failed: settled.filter((outcome) => outcome.status === 'rejected').length,
    unauthorized: lab.unauthorized,
    ms,
  };
}

/**
 * One token round-trip with no token logic around it: a fresh axios instance posts the
 * client-credentials grant to the same endpoint the bursts use and reads the JSON answer. This is
 * the "one fetch" of the cold-burst floor: the endpoint's delay plus what axios itself spends
 * sending the request and reading the answer, which every contender pays.
 */
export async function tokenRoundTrip(): Promise<number> {
  const lab = createLab({ tokenDelayMs: TOKEN_DELAY_MS });
  const http = axios.create({ adapter: lab.adapter });
  const body = grantBody();
  collectGarbage();
  const started = performance.now();
  const response = await http.post<string>(lab.tokenUrl, body, {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  const ms = performance.now() - started;
  if (response.status !== 200 || lab.tokenRequests !== 1) throw new Error('the token round-trip failed');
  return ms;
}

/** Rounds per burst size: many for small bursts, few for 10 000. */
export function roundsFor(size: number, quick: boolean): number {
  if (size >= 10_000) return quick ? 1 : 7;
  if (size >= 1000) return quick ? 2 : 15;
  return quick ? 5 : 15;
}
