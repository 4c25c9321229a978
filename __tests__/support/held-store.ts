import { MemoryTokenStore } from '../../src/memory-token-store.js';
import type { TokenStore } from '../../src/token-store.js';

/**
 * A slow shared store over a fresh {@link MemoryTokenStore}: its `set` (or `delete`) completes only
 * once the given promise has settled, as a stalled Redis would.
 */
export function heldStore(held: { set?: Promise<unknown>; delete?: Promise<unknown> }): TokenStore {
  const memory = new MemoryTokenStore();
  return {
    get: (key) => memory.get(key),
    set:
      held.set === undefined
        ? (key, value, ttlMs) => memory.set(key, value, ttlMs)
        : async (key, value, ttlMs) => {
            await held.set;
            memory.set(key, value, ttlMs);
          },
    delete:
      held.delete === undefined
        ? (key, accessToken) => memory.delete(key, accessToken)
        : async (key, accessToken) => {
            await held.delete;
            return memory.delete(key, accessToken);
          },
  };
}
