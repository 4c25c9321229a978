import {
  AxiosError,
  CanceledError,
  type AxiosAdapter,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import type { TokenAuthority } from './interleaving-provider.js';
import type { World } from './interleaving-world.js';

export const CALLER_HEADER = 'Basic Y2FsbGVyOnNldA==';

/** Which header a request must leave with: a token of one key, none, or the caller's own. */
export type Expected = { readonly key: string } | 'none' | 'caller';

export interface Send {
  readonly seq: number;
  readonly header: string | undefined;
  readonly accessToken: string | undefined;
  status?: number;
  answeredSeq?: number;
}

/** One request of the run, from its issue to its outcome. */
export interface RequestRecord {
  readonly id: number;
  readonly instance: number;
  readonly expected: Expected;
  readonly issueSeq: number;
  /** Its instance has an async interceptor that may hold it after the plugin set its token. */
  readonly holdable: boolean;
  readonly timeout: number | undefined;
  readonly acceptAll: boolean;
  readonly controller: AbortController | undefined;
  aborted: boolean;
  held: boolean;
  readonly sends: Send[];
  outstanding: boolean;
  outcome?: { readonly ok: true; readonly status: number } | { readonly ok: false; readonly error: unknown };
  stuckReported?: boolean;
}

interface Call {
  readonly record: RequestRecord;
  readonly send: Send;
  answer(forbidden: boolean): void;
}

/**
 * The API the requests go to, as an in-process axios adapter. It refuses (401) a token that was
 * revoked or has expired by the time it answers, and checks every request as it is sent.
 */
export class FakeApi implements TokenAuthority {
  readonly requests = new Map<number, RequestRecord>();
  readonly calls: Call[] = [];
  readonly revoked = new Set<string>();
  readonly #expiry = new Map<string, number | null>();
  readonly #world: World;

  constructor(world: World) {
    this.#world = world;
  }

  issue(accessToken: string, expiresAt: number | null): void {
    this.revoked.delete(accessToken);
    this.#expiry.set(accessToken, expiresAt);
  }

  revoke(accessToken: string): void {
    this.revoked.add(accessToken);
    this.#world.note(`revoke ${accessToken}`);
  }

  readonly adapter: AxiosAdapter = (config) =>
    new Promise<AxiosResponse>((resolve, reject) => {
      const record = this.requests.get(Number(config.headers.get('x-req')));
      if (record === undefined) {
        reject(new Error('a request the run did not issue'));
        return;
      }
      const header = config.headers.get('Authorization');
      const value = typeof header === 'string' ? header : header == null ? undefined : String(header);
      const accessToken = value?.startsWith('Bearer ') === true ? value.slice('Bearer '.length) : undefined;
      const seq = this.#world.note(`send req${record.id} ${value ?? '(no header)'}`);
      const send: Send = { seq, header: value, accessToken };
      this.#checkSend(record, send);
      record.sends.push(send);
      if (accessToken !== undefined) this.#world.handOut(accessToken);
      record.outstanding = true;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const signal = config.signal as AbortSignal | undefined;
      const end = (): void => {
        record.outstanding = false;
        this.calls.splice(this.calls.indexOf(call), 1);
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = (): void => {
        end();
        reject(new CanceledError(undefined, config));
      };
      const call: Call = {
        record,
        send,
        answer: (forbidden) => {
          end();
          const status = forbidden ? 403 : this.#status(record, accessToken);
          send.status = status;
          send.answeredSeq = this.#world.note(`answer req${record.id}: ${status}`);
          const response = respond(config, status);
          const valid = config.validateStatus ?? ((code: number) => code >= 200 && code < 300);
          if (valid(status)) resolve(response);
          else reject(new AxiosError(`status ${status}`, 'ERR_BAD_REQUEST', config, {}, response));
        },
      };
      this.calls.push(call);
      if (signal?.aborted === true) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
      if (config.timeout) {
        timer = setTimeout(() => {
          end();
          reject(new AxiosError(`timeout of ${config.timeout}ms exceeded`, 'ECONNABORTED', config));
        }, config.timeout);
      }
    });

  #status(record: RequestRecord, accessToken: string | undefined): number {
    if (typeof record.expected !== 'object') return 200;
    if (accessToken === undefined || this.revoked.has(accessToken)) return 401;
    const expiresAt = this.#expiry.get(accessToken);
    if (expiresAt === undefined) return 401;
    return expiresAt !== null && this.#world.now() >= expiresAt ? 401 : 200;
  }

  #checkSend(record: RequestRecord, send: Send): void {
    const world = this.#world;
    const what = `req${record.id}`;
    const first = record.sends[0];
    if (record.sends.length >= 2) world.violation(`${what} sent a third time`);
    if (first !== undefined && (first.status !== 401 || first.accessToken === undefined)) {
      world.violation(`${what} sent again after answer ${first.status} with ${first.header ?? 'no header'}`);
    }
    if (record.expected === 'none') {
      if (send.header !== undefined) world.violation(`${what} must carry no header, carried ${send.header}`);
      return;
    }
    if (record.expected === 'caller') {
      if (send.header !== CALLER_HEADER) world.violation(`${what} lost the caller's header: ${send.header}`);
      return;
    }
    const { key } = record.expected;
    const accessToken = send.accessToken;
    const deliveries = accessToken === undefined ? undefined : world.deliveries.get(accessToken);
    if (accessToken === undefined || deliveries === undefined) {
      world.violation(`${what} carried ${send.header ?? 'no header'} instead of a token of ${key}`);
      return;
    }
    if (deliveries.some((delivery) => delivery.key !== key)) {
      world.violation(`${what} carried ${accessToken}, not a token of ${key}`);
    }
    if (!world.sendable(accessToken)) world.violation(`${what} carried ${accessToken} past its schedule`);
    // A request that another interceptor may hold got its token either as it was issued (a cached
    // one) or as it is sent (one it waited for).
    const heldBefore = record.holdable && first === undefined;
    const deadAt = (seq: number): boolean =>
      world.dead(key, accessToken, world.boundaryBefore(seq), send.seq);
    if (deadAt(send.seq) && (!heldBefore || deadAt(record.issueSeq))) {
      world.violation(`${what} carried ${accessToken}, dropped before it was attached`);
    }
    if (first !== undefined && first.accessToken === accessToken) {
      if (!world.deliveredAfter(accessToken, first.answeredSeq ?? 0)) {
        world.violation(`${what} replayed with ${accessToken}, the token that got the 401`);
      }
    }
  }
}

function respond(config: InternalAxiosRequestConfig, status: number): AxiosResponse {
  return { data: { status }, status, statusText: String(status), headers: {}, config, request: {} };
}
