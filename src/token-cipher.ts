import { decodeBase64Bytes, encodeBase64Bytes } from './base64.js';
import { invalidOptions, TokenFlightError } from './errors.js';

/** A 256-bit key: 32 raw bytes, or their base64 (or base64url) encoding. */
export type EncryptionKey = Uint8Array | string;

/** What is stored for an encrypted value: AES-256-GCM ciphertext (tag included) and its nonce, base64. */
export interface SealedValue {
  readonly v: 1;
  readonly iv: string;
  readonly data: string;
}

/** Authenticated encryption of stored tokens (AES-256-GCM through Web Crypto). */
export interface TokenCipher {
  /** Encrypts `plaintext`, bound to `context` (e.g. the storage key) as additional authenticated data. */
  seal(plaintext: string, context: string): Promise<SealedValue>;
  /**
   * Decrypts what {@link TokenCipher.seal} returned for the same `context`.
   * @throws {TokenFlightError} (`code: 'undecryptable_value'`) on a wrong key, context or a tampered value.
   */
  open(sealed: SealedValue, context: string): Promise<string>;
  /** A keyed digest (HMAC-SHA-256, hex) naming an access token without revealing it. */
  fingerprint(accessToken: string): Promise<string>;
}

interface Keys {
  readonly aes: CryptoKey;
  readonly hmac: CryptoKey;
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const encoder = new TextEncoder();

/**
 * A cipher for `key`. Two keys are derived from it with HKDF-SHA-256, one for AES-256-GCM and one
 * for the token fingerprint, so the given key is never used for two purposes.
 * @throws {TokenAuthConfigError} when the key is not 32 bytes.
 */
export function createTokenCipher(key: EncryptionKey): TokenCipher {
  const raw = keyBytes(key);
  let keys: Promise<Keys> | undefined;
  const derived = (): Promise<Keys> => (keys ??= deriveKeys(raw));

  return {
    async seal(plaintext, context) {
      // Checked first: without Web Crypto, getRandomValues would fail with a TypeError instead.
      const webCrypto = subtle();
      const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const data = await webCrypto.encrypt(
        { name: 'AES-GCM', iv, additionalData: encoder.encode(context) },
        (await derived()).aes,
        encoder.encode(plaintext),
      );
      return { v: 1, iv: encodeBase64Bytes(iv), data: encodeBase64Bytes(new Uint8Array(data)) };
    },
    async open(sealed, context) {
      const { aes } = await derived();
      try {
        const plaintext = await subtle().decrypt(
          {
            name: 'AES-GCM',
            iv: copy(decodeBase64Bytes(sealed.iv)),
            additionalData: encoder.encode(context),
          },
          aes,
          copy(decodeBase64Bytes(sealed.data)),
        );
        return new TextDecoder().decode(plaintext);
      } catch {
        throw new TokenFlightError(
          'A stored token could not be decrypted: another encryptionKey wrote it, or it was altered',
          'undecryptable_value',
        );
      }
    },
    async fingerprint(accessToken) {
      const mac = await subtle().sign('HMAC', (await derived()).hmac, encoder.encode(accessToken));
      return Array.from(new Uint8Array(mac), (byte) => byte.toString(16).padStart(2, '0')).join('');
    },
  };
}

function keyBytes(key: EncryptionKey): Uint8Array<ArrayBuffer> {
  let bytes: Uint8Array | undefined;
  if (key instanceof Uint8Array) bytes = key;
  else if (typeof key === 'string') {
    try {
      bytes = decodeBase64Bytes(key);
    } catch {
      bytes = undefined;
    }
  }
  if (bytes?.length !== KEY_BYTES) {
    throw invalidOptions(`encryptionKey must be ${KEY_BYTES} bytes (a Uint8Array, or their base64 encoding)`);
  }
  // A private copy: later changes to the caller's array do not change the key.
  return copy(bytes);
}

async function deriveKeys(raw: Uint8Array<ArrayBuffer>): Promise<Keys> {
  const base = await subtle().importKey('raw', raw, 'HKDF', false, ['deriveKey']);
  const hkdf = (info: string): HkdfParams => ({
    name: 'HKDF',
    hash: 'SHA-256',
    salt: new Uint8Array(0),
    info: encoder.encode(info),
  });
  const [aes, hmac] = await Promise.all([
    subtle().deriveKey(
      hkdf('axios-token-flight aes-256-gcm'),
      base,
      { name: 'AES-GCM', length: 256 },
      false,
      ['encrypt', 'decrypt'],
    ),
    subtle().deriveKey(
      hkdf('axios-token-flight token fingerprint'),
      base,
      { name: 'HMAC', hash: 'SHA-256', length: 256 },
      false,
      ['sign'],
    ),
  ]);
  return { aes, hmac };
}

function subtle(): SubtleCrypto {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) {
    throw new TokenFlightError('encryptionKey needs Web Crypto (globalThis.crypto.subtle)', 'no_web_crypto');
  }
  return subtle;
}

function copy(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}
