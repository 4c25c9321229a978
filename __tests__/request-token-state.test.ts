import { inspect } from 'node:util';
import axios, { AxiosHeaders } from 'axios';
import { RequestTokenState } from '../src/request-token-state.js';
import type { TokenProvider } from '../src/token.js';

const ACCESS_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.secret-access-token-42';
const HEADER_VALUE = `Bearer ${ACCESS_TOKEN}`;

const PROVIDER: TokenProvider = {
  key: 'client_credentials:https://idp.example.com/token#app',
  fetchToken: () => Promise.reject(new Error('not called')),
};

function state(replayed = false): RequestTokenState {
  return new RequestTokenState(PROVIDER, replayed, HEADER_VALUE, ACCESS_TOKEN);
}

function renderings(value: unknown): string[] {
  return [
    JSON.stringify(value),
    inspect(value),
    inspect(value, { showHidden: true, depth: Infinity, getters: true }),
    String(value),
  ];
}

describe('RequestTokenState', () => {
  it('exposes the provider key and the replay mark', () => {
    const first = state();
    expect(first.providerKey).toBe('client_credentials:https://idp.example.com/token#app');
    expect(first.replayed).toBe(false);
  });

  it('never shows the token or the header value when serialized or inspected', () => {
    for (const text of renderings(state())) {
      expect(text).not.toContain('secret-access-token');
    }
    expect(JSON.parse(JSON.stringify(state(true)))).toEqual({
      providerKey: 'client_credentials:https://idp.example.com/token#app',
      replayed: true,
    });
  });

  it('never shows the token through a config object that holds it', () => {
    const config = {
      url: '/models',
      headers: new AxiosHeaders(),
      tokenAuth: { state: state() },
    };
    for (const text of renderings(config)) {
      expect(text).not.toContain('secret-access-token');
    }
    const error = new axios.AxiosError('Request failed', 'ERR_BAD_RESPONSE', config as never);
    expect(JSON.stringify(error.toJSON())).not.toContain('secret-access-token');
    expect(inspect(error, { showHidden: true, depth: Infinity })).not.toContain('secret-access-token');
  });

  it('keeps its identity through an axios config merge', () => {
    const original = state();
    const merged = axios.mergeConfig({ tokenAuth: { state: original } } as never, { url: '/x' }) as {
      tokenAuth?: { state?: unknown };
    };
    expect(merged.tokenAuth?.state).toBe(original);
  });

  it('remembers the provider and the token it sent, or that it still awaits one', () => {
    const sent = state(true);
    expect(sent.provider).toBe(PROVIDER);
    expect(sent.replayed).toBe(true);
    expect(sent.awaitingToken).toBe(false);
    expect(sent.accessTokenForInvalidation()).toBe(ACCESS_TOKEN);
    const waiting = new RequestTokenState(PROVIDER, false);
    expect(waiting.awaitingToken).toBe(true);
    expect(waiting.providerKey).toBe(PROVIDER.key);
    expect(waiting.accessTokenForInvalidation()).toBeUndefined();
  });

  it('recognises only the exact header value it set', () => {
    const first = state();
    expect(first.isOwnHeader(HEADER_VALUE)).toBe(true);
    expect(first.isOwnHeader('Bearer caller-token')).toBe(false);
    expect(first.isOwnHeader(`bearer ${ACCESS_TOKEN}`)).toBe(false);
    expect(first.isOwnHeader(ACCESS_TOKEN)).toBe(false);
    expect(first.isOwnHeader(undefined)).toBe(false);
    expect(first.isOwnHeader([HEADER_VALUE])).toBe(false);
  });

  it('awaiting a token, claims no header as its own', () => {
    const waiting = new RequestTokenState(PROVIDER, false);
    expect(waiting.isOwnHeader(undefined)).toBe(false);
    expect(waiting.isOwnHeader('')).toBe(false);
    expect(waiting.isOwnHeader(HEADER_VALUE)).toBe(false);
  });

  it('keeps until when its token may be sent, out of its JSON', () => {
    const limited = new RequestTokenState(PROVIDER, false, HEADER_VALUE, ACCESS_TOKEN, 1_700_000_000_000);
    expect(limited.sendableUntil).toBe(1_700_000_000_000);
    expect(JSON.stringify(limited)).not.toContain('1700000000000');
    expect(new RequestTokenState(PROVIDER, false).sendableUntil).toBe(Number.POSITIVE_INFINITY);
  });
});
