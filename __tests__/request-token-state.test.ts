import { inspect } from 'node:util';
import axios, { AxiosHeaders } from 'axios';
import { RequestTokenState } from '../src/request-token-state.js';

const ACCESS_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.secret-access-token-42';
const HEADER_VALUE = `Bearer ${ACCESS_TOKEN}`;

function state(replayed = false): RequestTokenState {
  return new RequestTokenState(
    'client_credentials:https://idp.example.com/token#app',
    HEADER_VALUE,
    ACCESS_TOKEN,
    replayed,
  );
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

  it('asReplayed marks a copy and keeps what was sent', () => {
    const first = state();
    const replayed = first.asReplayed();
    expect(replayed).not.toBe(first);
    expect(first.replayed).toBe(false);
    expect(replayed.replayed).toBe(true);
    expect(replayed.providerKey).toBe(first.providerKey);
    expect(replayed.isOwnHeader(HEADER_VALUE)).toBe(true);
    expect(replayed.carried(ACCESS_TOKEN)).toBe(true);
    expect(replayed.accessTokenForInvalidation()).toBe(ACCESS_TOKEN);
    expect(replayed.asReplayed().replayed).toBe(true);
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

  it('tells whether a token is the one it carried', () => {
    expect(state().carried(ACCESS_TOKEN)).toBe(true);
    expect(state().carried('another-token')).toBe(false);
  });
});
