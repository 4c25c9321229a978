import { derivedProviderKey, tokenUrlKeyPart } from '../src/provider-key.js';

describe('derivedProviderKey', () => {
  it('joins the parts by # after the kind', () => {
    expect(
      derivedProviderKey('client_credentials', ['https://idp.example.com/token', 'app', 'read', '']),
    ).toBe('client_credentials:https://idp.example.com/token#app#read#');
  });

  it('escapes # and % in a part, so different parts never join to one key', () => {
    expect(derivedProviderKey('k', ['a#b', 'c'])).toBe('k:a%23b#c');
    expect(derivedProviderKey('k', ['a#b', 'c'])).not.toBe(derivedProviderKey('k', ['a', 'b#c']));
    expect(derivedProviderKey('k', ['a%23b'])).toBe('k:a%2523b');
    expect(derivedProviderKey('k', ['a%23b'])).not.toBe(derivedProviderKey('k', ['a#b']));
  });

  it('leaves every other character as it is', () => {
    expect(derivedProviderKey('k', ['https://h:9443/p?q=1&r=2', 'id-._~ !'])).toBe(
      'k:https://h:9443/p?q=1&r=2#id-._~ !',
    );
  });
});

describe('tokenUrlKeyPart', () => {
  it('keeps a token URL without a query string as it is', () => {
    expect(tokenUrlKeyPart('https://idp.example.com:9443/realms/a/token')).toBe(
      'https://idp.example.com:9443/realms/a/token',
    );
  });

  it('names the query string by a fingerprint: it may hold a credential', () => {
    const part = tokenUrlKeyPart('https://fn.example.net/api/token?code=fn-key-0123456789');
    expect(part).toMatch(/^https:\/\/fn\.example\.net\/api\/token\?fp-[0-9a-f]{16}$/);
    expect(part).not.toContain('fn-key');
    expect(tokenUrlKeyPart('https://fn.example.net/api/token?code=other')).not.toBe(part);
  });
});
