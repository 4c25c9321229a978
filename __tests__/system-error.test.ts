import { describeSystemError, isCertificateError } from '../src/system-error.js';

describe('describeSystemError', () => {
  it('says a certificate was rejected, with the check that failed', () => {
    expect(describeSystemError('CERT_HAS_EXPIRED', 'certificate has expired')).toBe(
      "CERT_HAS_EXPIRED: the token server's TLS certificate was rejected: certificate has expired",
    );
    expect(
      describeSystemError(
        'ERR_TLS_CERT_ALTNAME_INVALID',
        "Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list: ",
      ),
    ).toBe(
      "ERR_TLS_CERT_ALTNAME_INVALID: the token server's TLS certificate was rejected: " +
        "Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list",
    );
  });

  it("reads OpenSSL's reason out of a failed handshake", () => {
    const message =
      'write EPROTO 40C7F0A1:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/ssl/record/ssl3_record.c:355:\n';
    expect(describeSystemError('EPROTO', message)).toBe(
      'EPROTO: the TLS handshake failed: wrong version number',
    );
    expect(describeSystemError('EPROTO', 'write EPROTO')).toBe('EPROTO: the TLS handshake failed');
  });

  it('says a compressed body could not be decoded', () => {
    expect(describeSystemError('Z_DATA_ERROR', 'incorrect header check')).toBe(
      "Z_DATA_ERROR: the answer's compressed body could not be decoded: incorrect header check",
    );
  });

  it('keeps a well-known code as it is', () => {
    expect(describeSystemError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1')).toBe('ECONNREFUSED');
    expect(describeSystemError('ENOTFOUND', undefined)).toBe('ENOTFOUND');
  });

  it('knows the certificate codes', () => {
    expect(isCertificateError('DEPTH_ZERO_SELF_SIGNED_CERT')).toBe(true);
    expect(isCertificateError('SELF_SIGNED_CERT_IN_CHAIN')).toBe(true);
    expect(isCertificateError('ECONNRESET')).toBe(false);
  });
});
