/** The codes Node gives a server certificate it does not accept (OpenSSL's verify errors, a name mismatch). */
const CERTIFICATE_CODES = new Set([
  'CERT_CHAIN_TOO_LONG',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REJECTED',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'HOSTNAME_MISMATCH',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

/** Whether `code` says the token server's certificate was rejected: another attempt would be refused too. */
export function isCertificateError(code: string): boolean {
  return CERTIFICATE_CODES.has(code);
}

/**
 * A system error's code with what it means, where the code alone says little: which certificate
 * check failed, a TLS handshake that failed, a body that would not decompress.
 */
export function describeSystemError(code: string, message: string | undefined): string {
  const reason = message?.trim().replace(/[\s:]+$/, '');
  if (isCertificateError(code))
    return withReason(code, "the token server's TLS certificate was rejected", reason);
  if (code === 'EPROTO' || code.startsWith('ERR_SSL_')) {
    // OpenSSL's text: "write EPROTO 40...:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:...".
    const openssl = /SSL routines:[^:]*:([^:]+)/.exec(reason ?? '')?.[1];
    return withReason(code, 'the TLS handshake failed', openssl ?? (code === 'EPROTO' ? undefined : reason));
  }
  if (code.startsWith('Z_'))
    return withReason(code, "the answer's compressed body could not be decoded", reason);
  return code;
}

function withReason(code: string, meaning: string, reason: string | undefined): string {
  return reason === undefined || reason === '' ? `${code}: ${meaning}` : `${code}: ${meaning}: ${reason}`;
}
