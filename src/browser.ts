export {
  BroadcastTokenStore,
  type BroadcastTokenStoreOptions,
  type LockManagerLike,
} from './broadcast-token-store.js';
