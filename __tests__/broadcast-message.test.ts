import { readBroadcastMessage } from '../src/broadcast-message.js';

const TOKEN = { accessToken: 't', tokenType: 'Bearer', expiresAt: null, raw: {} };
const ENTRY = { expiresAt: 1_700_000_000_000, token: TOKEN };

describe('readBroadcastMessage', () => {
  it.each([
    { type: 'hello', from: 'a' },
    { type: 'here', from: 'a' },
    { type: 'bye', from: 'a' },
    { type: 'set', from: 'a', key: 'k', entry: ENTRY },
    { type: 'delete', from: 'a', key: 'k' },
    { type: 'delete', from: 'a', key: 'k', accessToken: 't' },
    { type: 'ask', from: 'a', key: 'k', id: 'q' },
    { type: 'answer', from: 'a', id: 'q' },
    { type: 'answer', from: 'a', id: 'q', entry: ENTRY },
  ])('reads %o', (message) => {
    expect(readBroadcastMessage(message)).toBe(message);
  });

  it.each([
    ['no object', 'hello'],
    ['null', null],
    ['no sender', { type: 'hello' }],
    ['an unknown type', { type: 'nuke', from: 'a' }],
    ['set without a key', { type: 'set', from: 'a', entry: ENTRY }],
    ['set without an entry', { type: 'set', from: 'a', key: 'k' }],
    [
      'set with an entry that is no token',
      { type: 'set', from: 'a', key: 'k', entry: { expiresAt: 1, token: { accessToken: 'x' } } },
    ],
    ['set with an entry without expiry', { type: 'set', from: 'a', key: 'k', entry: { token: TOKEN } }],
    ['delete with a non-string token', { type: 'delete', from: 'a', key: 'k', accessToken: 1 }],
    ['ask without an id', { type: 'ask', from: 'a', key: 'k' }],
    ['answer with a broken entry', { type: 'answer', from: 'a', id: 'q', entry: {} }],
  ])('drops %s', (_, message) => {
    expect(readBroadcastMessage(message)).toBeUndefined();
  });
});
