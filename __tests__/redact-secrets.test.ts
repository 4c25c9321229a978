import { credentialValues, redactSecrets } from '../src/redact-secrets.js';

const SECRET = 'cl!ent secret/+=&42';
const BASIC = Buffer.from(`app:${encodeURIComponent(SECRET)}`).toString('base64');
const SECRETS = [SECRET, BASIC];

describe('redactSecrets', () => {
  it('covers the raw, URI-encoded and form-encoded forms', () => {
    const text = [
      `raw=${SECRET}`,
      `uri=${encodeURIComponent(SECRET)}`,
      new URLSearchParams({ form: SECRET }).toString(),
      `basic=${BASIC}`,
    ].join(' ');
    expect(encodeURIComponent(SECRET)).not.toBe(new URLSearchParams({ s: SECRET }).toString().slice(2));
    expect(redactSecrets(text, SECRETS)).toBe(
      'raw=[REDACTED] uri=[REDACTED] form=[REDACTED] basic=[REDACTED]',
    );
  });

  it('covers percent-encoding with lower-case hex', () => {
    const lower = encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
    const formLower = new URLSearchParams({ s: SECRET })
      .toString()
      .slice(2)
      .replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
    expect(lower).toContain('%2f');
    expect(redactSecrets(`a=${lower} b=${formLower}`, [SECRET])).toBe('a=[REDACTED] b=[REDACTED]');
  });

  it('covers an encoded form quoted in an encoded URL, as a login redirect carries the token URL', () => {
    const tokenUrl = `https://sso.example.com/token?${new URLSearchParams({ client_secret: SECRET }).toString()}`;
    const location = `/login?next=${encodeURIComponent(tokenUrl)}&raw=${encodeURIComponent(encodeURIComponent(SECRET))}`;
    expect(redactSecrets(location, SECRETS)).toBe(
      `/login?next=${encodeURIComponent('https://sso.example.com/token?client_secret=')}[REDACTED]&raw=[REDACTED]`,
    );
  });

  it('covers the JSON-escaped form', () => {
    const quoted = 'se"cr\\et';
    expect(redactSecrets(JSON.stringify({ echo: quoted }), [quoted])).toBe('{"echo":"[REDACTED]"}');
  });

  it.each([
    ['PHP (/ escaped, non-ASCII as \\uXXXX)', '{"echo":"p\\u00e4ss\\/w\\u00f6rd"}'],
    ['Python (non-ASCII as \\uXXXX)', '{"echo": "p\\u00e4ss/w\\u00f6rd"}'],
    ['upper-case \\u escapes', '{"echo":"p\\u00E4ss/w\\u00F6rd"}'],
    ['/ escaped only', '{"echo":"päss\\/wörd"}'],
  ])('covers JSON as %s writes it', (_, body) => {
    expect(JSON.parse(body)).toEqual({ echo: 'päss/wörd' });
    expect(redactSecrets(body, ['päss/wörd'])).not.toMatch(/ss|rd/);
    expect(redactSecrets(body, ['päss/wörd'])).toContain('[REDACTED]');
  });

  it('escapes a character outside the BMP as its two surrogates', () => {
    const body = JSON.stringify({ echo: 'key🔑1' }).replace('🔑', '\\ud83d\\udd11');
    expect(redactSecrets(body, ['key🔑1'])).toBe('{"echo":"[REDACTED]"}');
  });

  it('replaces every occurrence and leaves other text alone', () => {
    expect(redactSecrets('abcd-abcd-xyz', ['abcd'])).toBe('[REDACTED]-[REDACTED]-xyz');
    expect(redactSecrets('nothing here', SECRETS)).toBe('nothing here');
  });

  it('skips secrets shorter than 4 characters, which would shred ordinary text', () => {
    expect(redactSecrets('a b c', ['a', ''])).toBe('a b c');
  });
});

describe('credentialValues', () => {
  it('picks the values whose names say they carry a credential, whatever their case', () => {
    expect(
      credentialValues({
        client_assertion: 'a1',
        'X-Api-Key': 'a2',
        Cookie: 'a3',
        'X-Auth-Token': 'a4',
        password: 'a5',
        'X-Session': 'a6',
        signature: 'a7',
        CLIENT_SECRET: 'a8',
      }),
    ).toEqual(['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8']);
  });

  it('leaves the others: a resource, a tenant, a client name', () => {
    expect(
      credentialValues({ resource: 'https://graph.example.com', 'X-Tenant': 'blue', audience: 'api' }),
    ).toEqual([]);
    expect(credentialValues(undefined)).toEqual([]);
    expect(credentialValues({})).toEqual([]);
  });
});
