import { TokenManager } from './token-manager.js';

let shared: TokenManager | undefined;

/**
 * The process-wide manager `attachTokenAuth` uses when given none, so two axios instances with equal
 * provider settings share one token. Created on first use.
 */
export function defaultTokenManager(): TokenManager {
  shared ??= new TokenManager();
  return shared;
}
