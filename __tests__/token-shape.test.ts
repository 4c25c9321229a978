import { isToken } from '../src/token-shape.js';

const TOKEN = { accessToken: 't', tokenType: 'Bearer', expiresAt: 1_700_000_000_000, raw: { a: 1 } };

describe('isToken', () => {
  it('accepts a token, with or without scope and expiry', () => {
    expect(isToken(TOKEN)).toBe(true);
    expect(isToken({ ...TOKEN, expiresAt: null, scope: 'read' })).toBe(true);
  });

  it.each([
    ['null', null],
    ['an array', [TOKEN]],
    ['an empty access token', { ...TOKEN, accessToken: '' }],
    ['no token type', { ...TOKEN, tokenType: undefined }],
    ['a non-finite expiry', { ...TOKEN, expiresAt: Number.POSITIVE_INFINITY }],
    ['a string expiry', { ...TOKEN, expiresAt: '1' }],
    ['a numeric scope', { ...TOKEN, scope: 1 }],
    ['no raw body', { ...TOKEN, raw: undefined }],
    ['an array raw body', { ...TOKEN, raw: [] }],
  ])('refuses %s', (_, value) => {
    expect(isToken(value)).toBe(false);
  });
});
