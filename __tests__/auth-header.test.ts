import { AxiosHeaders } from 'axios';
import fc from 'fast-check';
import { createAuthHeader } from '../src/auth-header.js';

describe('createAuthHeader', () => {
  it('reads the header in any casing, as AxiosHeaders.get does', () => {
    const header = createAuthHeader('Authorization');
    expect(header.read(new AxiosHeaders({ authorization: 'Bearer a' }))).toBe('Bearer a');
    expect(header.read(new AxiosHeaders({ AUTHORIZATION: 'Bearer b' }))).toBe('Bearer b');
    expect(header.read(new AxiosHeaders({ Accept: 'application/json' }))).toBeUndefined();
    expect(header.read(new AxiosHeaders({ Authorization: false }))).toBe(false);
  });

  it('writes into the key the header already has, else under the given name', () => {
    const header = createAuthHeader('Authorization');
    const existing = new AxiosHeaders({ authorization: 'Bearer old' });
    header.write(existing, 'Bearer new');
    expect(existing.toJSON()).toEqual({ authorization: 'Bearer new' });

    const empty = new AxiosHeaders({ Accept: 'application/json' });
    header.write(empty, 'Bearer new');
    expect(empty.toJSON()).toEqual({ Accept: 'application/json', Authorization: 'Bearer new' });
    expect(empty.get('authorization')).toBe('Bearer new');
  });

  it('removes the header in every casing', () => {
    const header = createAuthHeader('X-Api-Token');
    const headers = new AxiosHeaders({ 'x-api-token': 'a', Accept: 'application/json' });
    header.remove(headers);
    expect(headers.toJSON()).toEqual({ Accept: 'application/json' });
  });

  it('normalizes a value as AxiosHeaders stores it: blanks trimmed, control characters dropped', () => {
    const header = createAuthHeader('Authorization');
    const raw = ' Bearer ab\r\ncd\u0000 ';
    expect(header.normalize(raw)).toBe(String(new AxiosHeaders({ Authorization: raw }).get('Authorization')));
    for (const control of ['\r', '\n', '\u0000']) expect(header.normalize(raw)).not.toContain(control);
  });

  it.each(['set', 'toJSON', 'constructor', '__proto__', 'hasOwnProperty', 'Has'])(
    'a header named %s goes through AxiosHeaders methods and still works',
    (name) => {
      const header = createAuthHeader(name);
      const headers = new AxiosHeaders();
      header.write(headers, 'token-value');
      expect(header.read(headers)).toBe('token-value');
      expect(headers.get(name)).toBe('token-value');
      expect(typeof headers.set).toBe('function');
      expect(typeof headers.toJSON).toBe('function');
      header.remove(headers);
      expect(header.read(headers)).toBeUndefined();
    },
  );

  it('reads and writes like AxiosHeaders for any set of headers (property)', () => {
    const names = fc.constantFrom('Authorization', 'authorization', 'AUTHORIZATION', 'Accept', 'X-Other');
    const entries = fc.array(fc.tuple(names, fc.string({ maxLength: 8 })), { maxLength: 6 });
    fc.assert(
      fc.property(entries, fc.constantFrom('Authorization', 'authorization'), (pairs, name) => {
        const ours = new AxiosHeaders();
        const theirs = new AxiosHeaders();
        for (const [key, value] of pairs) {
          // Plain assignment keeps every casing, so several spellings can coexist, as they can in axios.
          (ours as unknown as Record<string, string>)[key] = value;
          (theirs as unknown as Record<string, string>)[key] = value;
        }
        const header = createAuthHeader(name);
        expect(header.read(ours)).toBe(theirs.get(name));
        header.write(ours, header.normalize('Bearer t'));
        theirs.set(name, 'Bearer t');
        expect(ours.get(name)).toBe(theirs.get(name));
        expect(ours.toJSON()).toEqual(theirs.toJSON());
      }),
      { numRuns: 300 },
    );
  });
});
