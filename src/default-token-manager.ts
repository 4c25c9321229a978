import { realmShared } from './realm-shared.js';
import { TokenManager } from './token-manager.js';

/**
 * The process-wide manager `attachTokenAuth` uses when given none, so two axios instances with equal
 * provider settings share one token, whichever build of the package attached them. Created on first use.
 */
export function defaultTokenManager(): TokenManager {
  return realmShared('default-token-manager', () => new TokenManager());
}
