const CHUNK = 0x8000;
/** Standard or base64url alphabet, then optional padding. */
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Standard base64 of bytes. Works in browsers and Node alike (no `Buffer`). */
export function encodeBase64Bytes(bytes: Uint8Array): string {
  let binary = '';
  // Chunked: String.fromCharCode(...bytes) overflows the call stack on large inputs.
  for (let index = 0; index < bytes.length; index += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(index, index + CHUNK));
  }
  return btoa(binary);
}

/** Standard base64 of the text's UTF-8 bytes. */
export function encodeBase64(text: string): string {
  return encodeBase64Bytes(new TextEncoder().encode(text));
}

/**
 * Bytes of standard or base64url text, padding optional, surrounding whitespace ignored.
 * @throws {Error} when the input is not base64.
 */
export function decodeBase64Bytes(base64: string): Uint8Array {
  const text = base64.trim();
  // The pattern refuses what `atob` would let through (inner whitespace); `atob` checks the length
  // and the padding, and takes the input unpadded.
  const binary = BASE64.test(text) ? atobOrUndefined(text.replace(/-/g, '+').replace(/_/g, '/')) : undefined;
  if (binary === undefined) throw new Error('Invalid base64 input');
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

function atobOrUndefined(base64: string): string | undefined {
  try {
    return atob(base64);
  } catch {
    return undefined;
  }
}

/**
 * UTF-8 text of standard or base64url input, padding optional.
 * @throws {Error} when the input is not base64 or its bytes are not UTF-8.
 */
export function decodeBase64(base64: string): string {
  const bytes = decodeBase64Bytes(base64);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new Error('Base64 input is not UTF-8 text');
  }
}
