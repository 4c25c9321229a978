import { fingerprint } from '../src/fingerprint.js';

it('is 64-bit FNV-1a of the UTF-8 bytes, in hex', () => {
  // Reference vectors of FNV-1a 64.
  expect(fingerprint('')).toBe('cbf29ce484222325');
  expect(fingerprint('a')).toBe('af63dc4c8601ec8c');
  expect(fingerprint('foobar')).toBe('85944171f73967e8');
  expect(fingerprint('é')).toBe(fingerprint('\u00e9'));
  expect(fingerprint('é')).not.toBe(fingerprint('e\u0301'));
});
