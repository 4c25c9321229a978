export { RedisTokenStore, type RedisTokenStoreOptions } from './redis-token-store.js';
export type { RedisClient, IoRedisClient, NodeRedisClient } from './redis-client.js';
export type { EncryptionKey } from './token-cipher.js';
export type { Token } from './token.js';
export type { TokenStore } from './token-store.js';
