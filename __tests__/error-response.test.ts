import { runInNewContext } from 'node:vm';
import { AxiosHeaders, type AxiosResponse } from 'axios';
import { headerOf, safeResponse } from '../src/error-response.js';

const SECRET = 'client-secret-value';

function answer(data: unknown, headers: unknown = {}, status = 400): AxiosResponse<unknown> {
  return { status, statusText: '', data, headers, config: {} } as AxiosResponse<unknown>;
}

describe('headerOf', () => {
  it('finds a header whatever its case, in a plain object or AxiosHeaders', () => {
    expect(headerOf({ 'Retry-After': '5' }, 'retry-after')).toBe('5');
    expect(headerOf(new AxiosHeaders({ 'Content-Type': 'application/json' }), 'content-type')).toBe(
      'application/json',
    );
  });

  it('joins repeated values and reads numbers as text', () => {
    expect(headerOf({ 'www-authenticate': ['Basic', 'Bearer'] }, 'www-authenticate')).toBe('Basic, Bearer');
    expect(headerOf({ 'content-length': 42 }, 'content-length')).toBe('42');
  });

  it('says nothing of a header that is absent or empty, or of headers that are none', () => {
    expect(headerOf({ date: null }, 'date')).toBeUndefined();
    expect(headerOf({}, 'date')).toBeUndefined();
    expect(headerOf(undefined, 'date')).toBeUndefined();
    expect(headerOf('date: x', 'date')).toBeUndefined();
  });
});

describe('safeResponse', () => {
  it('keeps status, headers (lower-cased) and body, with the secrets redacted, frozen', () => {
    const safe = safeResponse(
      answer(`{"error":"invalid_client","echo":"${SECRET}"}`, {
        'X-Echo': SECRET,
        'Content-Type': 'application/json',
      }),
      [SECRET],
    );
    expect(safe).toEqual({
      status: 400,
      headers: { 'x-echo': '[REDACTED]', 'content-type': 'application/json' },
      body: '{"error":"invalid_client","echo":"[REDACTED]"}',
    });
    expect(Object.isFrozen(safe)).toBe(true);
    expect(Object.isFrozen(safe.headers)).toBe(true);
  });

  it('drops cookies and credentials whatever they hold', () => {
    const safe = safeResponse(
      answer('', {
        'Set-Cookie': ['session=abc'],
        'set-cookie2': 'x',
        Authorization: 'Bearer echoed',
        'Proxy-Authorization': 'Basic echoed',
        Via: 'gateway',
      }),
      [],
    );
    expect(safe.headers).toEqual({ via: 'gateway' });
  });

  it('reads the body as text: a string, bytes of any realm, JSON for anything else', () => {
    const bytes = new TextEncoder().encode('{"error":"é"}');
    const foreign = runInNewContext('new Uint8Array(n)', { n: bytes.length }) as Uint8Array;
    foreign.set(bytes);
    expect(safeResponse(answer(bytes.buffer), []).body).toBe('{"error":"é"}');
    expect(safeResponse(answer(foreign), []).body).toBe('{"error":"é"}');
    expect(safeResponse(answer({ error: 'invalid_scope' }), []).body).toBe('{"error":"invalid_scope"}');
    expect(safeResponse(answer(null), []).body).toBe('');
    expect(safeResponse(answer(undefined), []).body).toBe('');
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    expect(safeResponse(answer(circular), []).body).toBe('');
  });

  it('clips a long body after 16 384 characters', () => {
    const body = safeResponse(answer('x'.repeat(20_000)), []).body;
    expect(body).toHaveLength(16_385);
    expect(body.endsWith('…')).toBe(true);
  });

  it('redacts a secret the clip would otherwise cut in two', () => {
    const body = safeResponse(answer(`${'x'.repeat(16_380)}${SECRET}`), [SECRET]).body;
    expect(body).not.toContain(SECRET.slice(0, 4));
  });
});
