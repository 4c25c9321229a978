import { formEncode } from './http-syntax.js';

const REDACTED = '[REDACTED]';

/** Shorter secrets would shred ordinary text; they are left alone. */
const MIN_SECRET_LENGTH = 4;

/**
 * Replaces every occurrence of a secret by `[REDACTED]`: as it is, URL- and form-encoded (upper- or
 * lower-case hex, also once more inside an encoded URL) and JSON-escaped (with `/` escaped or not,
 * non-ASCII as it is or `\uXXXX`, as JSON encoders of PHP, Python and others write it). Secrets
 * shorter than 4 characters are skipped.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of encodedForms(secret)) {
      if (result.includes(form)) result = result.split(form).join(REDACTED);
    }
  }
  return result;
}

// Names of parameters and headers that carry a credential: `client_assertion`, `X-Api-Key`, `Cookie`, ...
const CREDENTIAL_NAME =
  /secret|assertion|password|passwd|token|key|credential|signature|auth|cookie|session/i;

/**
 * The values among `entries` (extra form parameters, custom headers of a token request) whose names
 * say they carry a credential: a token endpoint that echoes its request in an error would show them.
 */
export function credentialValues(entries: Readonly<Record<string, string>> | undefined): string[] {
  if (entries === undefined) return [];
  return Object.entries(entries)
    .filter(([name, value]) => CREDENTIAL_NAME.test(name) && typeof value === 'string')
    .map(([, value]) => value);
}

function encodedForms(secret: string): Set<string> {
  const encoded = [encodeURIComponent(secret), formEncode(secret)];
  const percent = [
    ...encoded,
    ...encoded.map((form) => form.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase())),
  ];
  const json = JSON.stringify(secret).slice(1, -1);
  const jsonForms = [json, asciiEscaped(json, 'lower'), asciiEscaped(json, 'upper')];
  return new Set([
    secret,
    ...percent,
    // A URL quoted inside another, as a login redirect's `?next=` quotes the token URL and its query.
    ...percent.map(encodeURIComponent),
    ...jsonForms,
    ...jsonForms.map((form) => form.replaceAll('/', '\\/')),
  ]);
}

/** `json` with every character outside ASCII written as `\uXXXX` (surrogate pairs as two). */
function asciiEscaped(json: string, hexCase: 'lower' | 'upper'): string {
  return json.replace(/[\u0080-\uffff]/g, (char) => {
    const hex = char.charCodeAt(0).toString(16).padStart(4, '0');
    return `\\u${hexCase === 'upper' ? hex.toUpperCase() : hex}`;
  });
}
