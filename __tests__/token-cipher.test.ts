import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
import { createTokenCipher } from '../src/token-cipher.js';

const KEY = new Uint8Array(32).map((_, index) => index);
const KEY_BASE64 = Buffer.from(KEY).toString('base64');

describe('createTokenCipher', () => {
  it.each([
    ['missing', undefined],
    ['without subtle', {}],
  ])('fails with a clear error, sealing first, where Web Crypto is %s', async (_name, crypto) => {
    const own = Object.getOwnPropertyDescriptor(globalThis, 'crypto')!;
    Object.defineProperty(globalThis, 'crypto', { value: crypto, configurable: true });
    try {
      await expect(createTokenCipher(KEY).seal('text', 'ctx')).rejects.toMatchObject({
        code: 'no_web_crypto',
      });
    } finally {
      Object.defineProperty(globalThis, 'crypto', own);
    }
  });

  it('round-trips text bound to its context', async () => {
    const cipher = createTokenCipher(KEY);
    const sealed = await cipher.seal('{"accessToken":"Ω secret"}', 'ctx');
    expect(sealed.v).toBe(1);
    expect(Buffer.from(sealed.iv, 'base64')).toHaveLength(12);
    expect(await cipher.open(sealed, 'ctx')).toBe('{"accessToken":"Ω secret"}');
  });

  it('is AES-256-GCM with an HKDF-SHA-256-derived key and the context as additional data', async () => {
    const sealed = await createTokenCipher(KEY).seal('plain text', 'the-context');
    const aesKey = Buffer.from(
      hkdfSync('sha256', KEY, new Uint8Array(0), 'axios-token-flight aes-256-gcm', 32),
    );
    const data = Buffer.from(sealed.data, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', aesKey, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from('the-context'));
    decipher.setAuthTag(data.subarray(-16));
    expect(Buffer.concat([decipher.update(data.subarray(0, -16)), decipher.final()]).toString()).toBe(
      'plain text',
    );
  });

  it('uses a fresh IV every time', async () => {
    const cipher = createTokenCipher(KEY);
    const [a, b] = await Promise.all([cipher.seal('same', 'ctx'), cipher.seal('same', 'ctx')]);
    expect(a.iv).not.toBe(b.iv);
    expect(a.data).not.toBe(b.data);
  });

  it('accepts the key as base64 or base64url text', async () => {
    const sealed = await createTokenCipher(KEY).seal('text', 'ctx');
    await expect(createTokenCipher(KEY_BASE64).open(sealed, 'ctx')).resolves.toBe('text');
    const url = KEY_BASE64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    await expect(createTokenCipher(url).open(sealed, 'ctx')).resolves.toBe('text');
  });

  it('keeps its own copy of the key', async () => {
    const mutable = new Uint8Array(KEY);
    const cipher = createTokenCipher(mutable);
    mutable.fill(0);
    const sealed = await cipher.seal('text', 'ctx');
    await expect(createTokenCipher(KEY).open(sealed, 'ctx')).resolves.toBe('text');
  });

  it.each([
    ['a wrong key', createTokenCipher(new Uint8Array(32).fill(1)), 'ctx', false],
    ['another context', createTokenCipher(KEY), 'other-ctx', false],
    ['altered data', createTokenCipher(KEY), 'ctx', true],
  ])('refuses to open with %s', async (_, cipher, context, tamper) => {
    const sealed = await createTokenCipher(KEY).seal('the-secret-plaintext', 'ctx');
    const data = Buffer.from(sealed.data, 'base64');
    if (tamper) data[0] = (data[0] ?? 0) ^ 1;
    const error = await cipher
      .open({ ...sealed, data: data.toString('base64') }, context)
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'TokenFlightError', code: 'undecryptable_value' });
    expect(String((error as Error).message)).not.toContain('the-secret-plaintext');
  });

  it('refuses an IV that is not base64', async () => {
    const sealed = await createTokenCipher(KEY).seal('text', 'ctx');
    await expect(createTokenCipher(KEY).open({ ...sealed, iv: '***' }, 'ctx')).rejects.toMatchObject({
      code: 'undecryptable_value',
    });
  });

  it('fingerprints an access token with a keyed HMAC-SHA-256, not a plain hash', async () => {
    const cipher = createTokenCipher(KEY);
    const macKey = Buffer.from(
      hkdfSync('sha256', KEY, new Uint8Array(0), 'axios-token-flight token fingerprint', 32),
    );
    const expected = createHmac('sha256', macKey).update('access-token').digest('hex');
    await expect(cipher.fingerprint('access-token')).resolves.toBe(expected);
    await expect(createTokenCipher(new Uint8Array(32)).fingerprint('access-token')).resolves.not.toBe(
      expected,
    );
  });

  it.each([
    ['31 bytes', new Uint8Array(31)],
    ['33 bytes', new Uint8Array(33)],
    ['short base64', Buffer.from('short').toString('base64')],
    ['text that is not base64', 'not base64 at all!'],
    ['a number', 42 as unknown as string],
  ])('refuses a key of %s', (_, key) => {
    expect(() => createTokenCipher(key)).toThrow(expect.objectContaining({ code: 'invalid_options' }));
  });

  it('opens what Node encrypted the same way (the format is plain AES-256-GCM)', async () => {
    const aesKey = Buffer.from(
      hkdfSync('sha256', KEY, new Uint8Array(0), 'axios-token-flight aes-256-gcm', 32),
    );
    const iv = Buffer.alloc(12, 3);
    const cipher = createCipheriv('aes-256-gcm', aesKey, iv);
    cipher.setAAD(Buffer.from('ctx'));
    const data = Buffer.concat([cipher.update('from node'), cipher.final(), cipher.getAuthTag()]);
    await expect(
      createTokenCipher(KEY).open({ v: 1, iv: iv.toString('base64'), data: data.toString('base64') }, 'ctx'),
    ).resolves.toBe('from node');
  });
});
