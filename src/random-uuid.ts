/** `count` random bytes from the platform's cryptographic generator, in hex. */
export function randomHex(count: number): string {
  const crypto = globalThis.crypto;
  if (typeof crypto?.getRandomValues !== 'function') {
    throw new Error('No cryptographic random generator (globalThis.crypto) is available');
  }
  const bytes = crypto.getRandomValues(new Uint8Array(count));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** A random (version 4) UUID from the platform's cryptographic generator. */
export function randomUUID(): string {
  const crypto = globalThis.crypto;
  if (typeof crypto?.randomUUID === 'function') return crypto.randomUUID();
  const hex = randomHex(16);
  // The version (4) in the 13th digit, the RFC 4122 variant (8, 9, a or b) in the 17th.
  const variant = ((Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20)}`;
}
