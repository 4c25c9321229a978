export type { Token, TokenProvider, FetchTokenContext } from './token.js';
export type { TokenStore } from './token-store.js';
export type { TokenEvent, TokenEventListener, StoreOperation } from './token-events.js';
export type { TokenAuthRequestOptions } from './axios-config.js';
export type { RequestTokenState } from './request-token-state.js';
export { TokenManager } from './token-manager.js';
export type { GetTokenOptions, TokenManagerOptions } from './token-manager-options.js';
export { MemoryTokenStore, type MemoryTokenStoreOptions } from './memory-token-store.js';
export { defaultTokenManager } from './default-token-manager.js';
export { attachTokenAuth, type DetachTokenAuth } from './attach-token-auth.js';
export { type AttachTokenAuthOptions, type ProviderSelector } from './attach-token-auth-options.js';
export {
  TokenFlightError,
  TokenRequestError,
  TokenAuthConfigError,
  type TokenRequestErrorOptions,
  type TokenErrorResponse,
} from './errors.js';
export {
  clientCredentials,
  type ClientCredentialsOptions,
  type ClientAuthMethod,
  type BasicEncoding,
} from './client-credentials.js';
export { gigachat, type GigaChatOptions, type GigaChatScope, type GigaChatAuthScheme } from './gigachat.js';
export { brainysoft, type BrainysoftOptions, type BrainysoftTarget } from './brainysoft.js';
export { chatlayer, type ChatlayerOptions } from './chatlayer.js';
export { bankOfGeorgia, type BankOfGeorgiaOptions } from './bank-of-georgia.js';
export type { HttpProviderOptions } from './http-token-provider.js';
export type { RetryOptions } from './retry-policy.js';
export {
  parseTokenResponse,
  MAX_TOKEN_BODY_BYTES,
  DEFAULT_MAX_TTL_MS,
  type ParseTokenResponseOptions,
} from './parse-token-response.js';
export { readTokenErrorBody, type TokenErrorBody } from './token-error-body.js';
