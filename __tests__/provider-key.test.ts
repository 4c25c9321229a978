import { derivedProviderKey } from '../src/provider-key.js';

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
