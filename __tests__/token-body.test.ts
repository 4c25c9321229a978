import { runInNewContext } from 'node:vm';
import { isBytes, isPlainObject, MAX_TOKEN_BODY_BYTES, readTokenBody } from '../src/token-body.js';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('readTokenBody', () => {
  it('takes a parsed object as it is', () => {
    const body = { access_token: 'abc', expires_in: 60 };
    expect(readTokenBody(body)).toEqual({ ok: true, value: body });
    const read = readTokenBody(body);
    expect(read.ok && read.value).toBe(body);
  });

  it('parses JSON text whatever the Content-Type says', () => {
    for (const type of [undefined, 'application/json', 'text/plain', 'application/x-www-form-urlencoded']) {
      expect(readTokenBody('{"access_token":"abc"}', type)).toEqual({
        ok: true,
        value: { access_token: 'abc' },
      });
    }
  });

  it('parses form-encoded text, labelled or sniffed, keeping the first of repeated keys', () => {
    const expected = { ok: true, value: { access_token: 'a b', token_type: 'bearer' } };
    expect(readTokenBody('access_token=a+b&token_type=bearer', 'application/x-www-form-urlencoded')).toEqual(
      expected,
    );
    expect(readTokenBody('access_token=a%20b&token_type=bearer&access_token=other', 'text/plain')).toEqual(
      expected,
    );
  });

  it('keeps __proto__ in a form body an ordinary key', () => {
    const read = readTokenBody('__proto__=x&access_token=abc');
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(Object.getPrototypeOf(read.value)).toBe(Object.prototype);
    expect(Object.hasOwn(read.value, '__proto__')).toBe(true);
    expect(read.value.access_token).toBe('abc');
  });

  it('decodes UTF-8 bytes of every kind, an ArrayBuffer of another realm included', () => {
    const text = '{"access_token":"ключ"}';
    const bytes = encode(text);
    const foreign = runInNewContext('new ArrayBuffer(n)', { n: bytes.byteLength }) as ArrayBuffer;
    new Uint8Array(foreign).set(bytes);
    for (const body of [bytes, bytes.buffer, Buffer.from(text), new DataView(bytes.buffer), foreign]) {
      expect(readTokenBody(body)).toEqual({ ok: true, value: { access_token: 'ключ' } });
    }
  });

  it('strips a byte order mark and surrounding whitespace', () => {
    expect(readTokenBody('\uFEFF  {"a":1}\n')).toEqual({ ok: true, value: { a: 1 } });
  });

  it.each([
    ['an empty string', '', 'the body is empty'],
    ['whitespace', ' \n ', 'the body is empty'],
    ['null', null, 'the body is empty'],
    ['undefined', undefined, 'the body is empty'],
    ['an array', [1], 'the body is a JSON array, not an object'],
    ['a number', 42, 'the body is a number, not an object'],
    ['JSON null', 'null', 'the body is JSON but null, not an object'],
    ['a JSON array', '[{"access_token":"a"}]', 'the body is JSON but an array, not an object'],
    ['a JSON string', '"abc"', 'the body is JSON but a string, not an object'],
    ['HTML', '<html><body>Sign in</body></html>', 'the body looks like HTML or XML, not a token response'],
    ['plain text', 'Service Unavailable', 'the body is neither JSON nor form-encoded'],
  ])('says why %s is no token body', (_name, body, reason) => {
    expect(readTokenBody(body)).toEqual({ ok: false, reason });
  });

  it('says broken JSON is not JSON when JSON was promised', () => {
    expect(readTokenBody('{"access_token":', 'application/json; charset=utf-8')).toEqual({
      ok: false,
      reason: 'the body is not valid JSON',
    });
    expect(readTokenBody('{"access_token":')).toEqual({
      ok: false,
      reason: 'the body is neither JSON nor form-encoded',
    });
  });

  it('refuses bytes that are not UTF-8, without echoing them', () => {
    const read = readTokenBody(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]));
    expect(read).toEqual({ ok: false, reason: 'the body is not valid UTF-8' });
  });

  it('refuses a body over 1 MiB counted in UTF-8 bytes, as text or as bytes', () => {
    const tooLarge = { ok: false, reason: `the body is larger than ${MAX_TOKEN_BODY_BYTES} bytes` };
    const padded = (length: number): string => `{"a":"${'x'.repeat(length - 8)}"}`;
    expect(readTokenBody(padded(MAX_TOKEN_BODY_BYTES)).ok).toBe(true);
    expect(readTokenBody(padded(MAX_TOKEN_BODY_BYTES + 1))).toEqual(tooLarge);
    expect(readTokenBody(encode(padded(MAX_TOKEN_BODY_BYTES + 1)))).toEqual(tooLarge);
    // 400 000 three-byte characters: fewer characters than the limit, more bytes.
    expect(readTokenBody(`{"a":"${'ключ'.repeat(200_000)}"}`)).toEqual(tooLarge);
  });
});

describe('isBytes', () => {
  it("knows buffers, views and another realm's ArrayBuffer", () => {
    for (const value of [
      new ArrayBuffer(1),
      new Uint8Array(1),
      new Float32Array(1),
      new DataView(new ArrayBuffer(1)),
      Buffer.from('a'),
      runInNewContext('new ArrayBuffer(1)'),
      runInNewContext('new Uint8Array(1)'),
    ]) {
      expect(isBytes(value)).toBe(true);
    }
  });

  it('refuses anything else', () => {
    for (const value of [null, undefined, 'text', [1, 2], { byteLength: 1 }, new Blob(['a'])]) {
      expect(isBytes(value)).toBe(false);
    }
  });
});

describe('isPlainObject', () => {
  it("knows literals, parsed JSON, null-prototype objects and another realm's objects", () => {
    for (const value of [
      {},
      JSON.parse('{"a":1}'),
      Object.create(null),
      runInNewContext('({ a: 1 })'),
      runInNewContext('JSON.parse(\'{"a":1}\')'),
    ]) {
      expect(isPlainObject(value)).toBe(true);
    }
  });

  it('refuses arrays, class instances, buffers, dates, maps and primitives', () => {
    class Token {}
    for (const value of [null, undefined, 'a', 1, [], new Token(), Buffer.from('a'), new Date(), new Map()]) {
      expect(isPlainObject(value)).toBe(false);
    }
  });
});
