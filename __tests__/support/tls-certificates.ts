import { generateKeyPairSync, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';

/**
 * X.509 certificates made with node:crypto alone (ECDSA P-256, DER written by hand), so TLS tests
 * need no `openssl` binary: a CA, and leaves it signs for given names and validity.
 */

export interface Issued {
  /** PEM of the certificate. */
  cert: string;
  /** PEM (PKCS#8) of its private key. */
  key: string;
}

export interface LeafOptions {
  /** DNS names and IP addresses the certificate is valid for. */
  names: readonly string[];
  notBefore?: Date;
  notAfter?: Date;
}

const DAY = 86_400_000;

function tlv(tag: number, content: Buffer): Buffer {
  const length = content.length;
  if (length < 0x80) return Buffer.concat([Buffer.from([tag, length]), content]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.concat([Buffer.from([tag, 0x80 | bytes.length, ...bytes]), content]);
}

const sequence = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));

function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let value = arc >>> 7; value > 0; value >>>= 7) chunk.unshift(0x80 | (value & 0x7f));
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function positiveInteger(value: number): Buffer {
  const hex = value.toString(16);
  const bytes = Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex');
  return tlv(0x02, bytes[0]! >= 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  // UTCTime (YYMMDDHHMMSSZ) up to 2049, GeneralizedTime after.
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`))
    : tlv(0x18, Buffer.from(`${iso}Z`));
}

function name(commonName: string): Buffer {
  return sequence(tlv(0x31, sequence(oid('2.5.4.3'), tlv(0x0c, Buffer.from(commonName)))));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [tlv(0x01, Buffer.from([0xff]))] : []), tlv(0x04, value));
}

function altNames(names: readonly string[]): Buffer {
  return sequence(
    ...names.map((entry) =>
      isIP(entry) === 4
        ? tlv(0x87, Buffer.from(entry.split('.').map(Number)))
        : tlv(0x82, Buffer.from(entry)),
    ),
  );
}

let serial = 1;

function issue(
  subject: string,
  publicKey: KeyObject,
  issuer: { name: string; key: KeyObject },
  validity: { notBefore: Date; notAfter: Date },
  extensions: Buffer[],
): string {
  const ecdsaWithSha256 = sequence(oid('1.2.840.10045.4.3.2'));
  const tbs = sequence(
    tlv(0xa0, positiveInteger(2)),
    positiveInteger(serial++),
    ecdsaWithSha256,
    name(issuer.name),
    sequence(time(validity.notBefore), time(validity.notAfter)),
    name(subject),
    publicKey.export({ type: 'spki', format: 'der' }),
    tlv(0xa3, sequence(...extensions)),
  );
  const signature = sign('sha256', tbs, issuer.key);
  const der = sequence(tbs, ecdsaWithSha256, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  return new X509Certificate(der).toString();
}

function keyPair(): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

const pem = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }).toString();

/** A certificate authority that signs leaves; its `cert` is what a client trusts (`ca`). */
export interface TestCa extends Issued {
  leaf(options: LeafOptions): Issued;
}

export function createTestCa(commonName = 'Test Root CA'): TestCa {
  const { publicKey, privateKey } = keyPair();
  const now = Date.now();
  const validity = { notBefore: new Date(now - DAY), notAfter: new Date(now + 30 * DAY) };
  const caExtensions = [extension('2.5.29.19', true, sequence(tlv(0x01, Buffer.from([0xff]))))];
  const cert = issue(commonName, publicKey, { name: commonName, key: privateKey }, validity, caExtensions);
  return {
    cert,
    key: pem(privateKey),
    leaf(options) {
      const leafKeys = keyPair();
      const leafValidity = {
        notBefore: options.notBefore ?? new Date(now - DAY),
        notAfter: options.notAfter ?? new Date(now + 30 * DAY),
      };
      const leafCert = issue(
        options.names[0] ?? 'leaf',
        leafKeys.publicKey,
        { name: commonName, key: privateKey },
        leafValidity,
        [extension('2.5.29.17', false, altNames(options.names))],
      );
      return { cert: leafCert, key: pem(leafKeys.privateKey) };
    },
  };
}

/** A self-signed certificate for `names` (no CA vouches for it). */
export function createSelfSigned(names: readonly string[]): Issued {
  const { publicKey, privateKey } = keyPair();
  const now = Date.now();
  const subject = names[0] ?? 'self-signed';
  const cert = issue(
    subject,
    publicKey,
    { name: subject, key: privateKey },
    { notBefore: new Date(now - DAY), notAfter: new Date(now + 30 * DAY) },
    [extension('2.5.29.17', false, altNames(names))],
  );
  return { cert, key: pem(privateKey) };
}
