export {
  BroadcastTokenStore,
  type BroadcastTokenStoreOptions,
  type LockManagerLike,
} from './broadcast-token-store.js';
export type { Token } from './token.js';
export type { TokenStore } from './token-store.js';
