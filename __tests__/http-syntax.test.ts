import { formEncode, HTTP_TOKEN } from '../src/http-syntax.js';

describe('HTTP_TOKEN', () => {
  it.each(['Bearer', 'DPoP', 'X-Api-Key', "!#$%&'*+.^_`|~09az"])('accepts %s', (name) => {
    expect(HTTP_TOKEN.test(name)).toBe(true);
  });

  it.each(['', 'Bear er', 'Bearer:', 'Authorization\r\n', 'Tok(en)', 'Ключ'])('refuses %j', (name) => {
    expect(HTTP_TOKEN.test(name)).toBe(false);
  });
});

describe('formEncode', () => {
  it('writes a value as application/x-www-form-urlencoded does: spaces as +, the rest percent-encoded', () => {
    expect(formEncode('my client:id %+é')).toBe('my+client%3Aid+%25%2B%C3%A9');
    expect(formEncode('plain-id_1.2*')).toBe('plain-id_1.2*');
  });

  it('round-trips through URLSearchParams', () => {
    const value = 'a&b=c d/é?#';
    expect(new URLSearchParams(`v=${formEncode(value)}`).get('v')).toBe(value);
  });
});
