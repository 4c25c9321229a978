import axios, { AxiosError, AxiosHeaders, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { PendingRequest, type PendingSteps } from '../src/pending-request.js';
import type { Token } from '../src/token.js';
import { fakeProvider, token } from './support/fake-provider.js';

interface Outcome {
  resolved: unknown[];
  rejected: unknown[];
}

function pending(config: Partial<InternalAxiosRequestConfig> = {}, overrides: Partial<PendingSteps> = {}) {
  const provider = fakeProvider();
  const full = { headers: new AxiosHeaders(), ...config } as InternalAxiosRequestConfig;
  const calls: string[] = [];
  const steps: PendingSteps = {
    attach: (target, _provider, given: Token) => {
      calls.push(`attach ${given.accessToken}`);
      target.headers.set('Authorization', `Bearer ${given.accessToken}`);
    },
    tokenFailure: (error) => new AxiosError(`token failure: ${String(error)}`, 'ERR_TOKEN_REQUEST'),
    waitEnded: (reason) => reason,
    ...overrides,
  };
  const outcome: Outcome = { resolved: [], rejected: [] };
  const next = jest.fn(async (sent: InternalAxiosRequestConfig) => {
    calls.push('next');
    return { status: 200, data: sent.headers.get('Authorization') } as AxiosResponse;
  });
  const request = new PendingRequest(
    steps,
    full,
    provider,
    false,
    'http',
    next,
    (response) => outcome.resolved.push(response),
    (error) => outcome.rejected.push(error),
  );
  return { request, outcome, next, calls, config: full };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('PendingRequest', () => {
  it('attaches the token that arrives and sends the request with it', async () => {
    const { request, outcome, calls } = pending();
    expect(request.waiting).toBe(true);
    request.onToken(token('abc', Date.now() + 60_000));
    expect(request.waiting).toBe(false);
    await settled();
    expect(calls).toEqual(['attach abc', 'next']);
    expect(outcome.resolved).toEqual([{ status: 200, data: 'Bearer abc' }]);
    expect(outcome.rejected).toEqual([]);
  });

  it("is told once: a token request's failure after the token, or a token after it, changes nothing", async () => {
    const first = pending();
    first.request.onToken(token('abc', Date.now() + 60_000));
    first.request.onError(new Error('late'));
    first.request.endWait(new AxiosError('late', 'ERR_CANCELED'));
    await settled();
    expect(first.outcome.resolved).toHaveLength(1);
    expect(first.outcome.rejected).toEqual([]);

    const second = pending();
    second.request.onError(new Error('no token'));
    second.request.onToken(token('abc', Date.now() + 60_000));
    await settled();
    expect(second.next).not.toHaveBeenCalled();
    expect(second.outcome.rejected).toEqual([
      expect.objectContaining({ message: 'token failure: Error: no token' }),
    ]);
  });

  it('rejects with the reason its wait ended with, and sends nothing when the token comes', async () => {
    const { request, outcome, next } = pending();
    const reason = new AxiosError('canceled', 'ERR_CANCELED');
    request.endWait(reason);
    request.onToken(token('abc', Date.now() + 60_000));
    await settled();
    expect(outcome.rejected).toEqual([reason]);
    expect(next).not.toHaveBeenCalled();
  });

  it('rejects with what attaching the token threw, and with what sending it rejected with', async () => {
    const refused = new Error('header refused');
    const throwing = pending(
      {},
      {
        attach: () => {
          throw refused;
        },
      },
    );
    throwing.request.onToken(token('abc', Date.now() + 60_000));
    await settled();
    expect(throwing.outcome.rejected).toEqual([refused]);
    expect(throwing.next).not.toHaveBeenCalled();

    const failing = pending();
    const network = new AxiosError('socket hang up', 'ECONNRESET');
    failing.next.mockRejectedValueOnce(network);
    failing.request.onToken(token('abc', Date.now() + 60_000));
    await settled();
    expect(failing.outcome.rejected).toEqual([network]);
  });

  it('follows its cancel token while it waits; a cancel after the token changes nothing', async () => {
    const source = axios.CancelToken.source();
    const { request, outcome } = pending({ cancelToken: source.token });
    source.cancel('user left');
    await settled();
    expect(request.waiting).toBe(false);
    expect(outcome.rejected).toEqual([expect.objectContaining({ message: 'user left' })]);

    const later = axios.CancelToken.source();
    const told = pending({ cancelToken: later.token });
    told.request.onToken(token('abc', Date.now() + 60_000));
    later.cancel('after the token');
    await settled();
    expect(told.outcome.rejected).toEqual([]);
    expect(told.outcome.resolved).toHaveLength(1);
  });

  it('is not waiting from the start when its cancel token was cancelled already', () => {
    const source = axios.CancelToken.source();
    source.cancel('before');
    const { request, outcome } = pending({ cancelToken: source.token });
    expect(request.waiting).toBe(false);
    expect(outcome.rejected).toEqual([expect.objectContaining({ message: 'before' })]);
  });

  it('ends its wait with a timeout error when the request has a timeout', async () => {
    const { request, outcome } = pending({ timeout: 20 });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(request.waiting).toBe(false);
    expect(outcome.rejected).toEqual([expect.objectContaining({ code: 'ECONNABORTED' })]);
  });
});
