import { clientCredentials, type ClientCredentialsOptions } from './client-credentials.js';
import { requireOptions } from './http-token-provider.js';
import type { TokenProvider } from './token.js';

export const CHATLAYER_TOKEN_URL =
  'https://auth.prod.europe-west1.gc.chatlayer.ai/auth/realms/Chatlayer/protocol/openid-connect/token';

/** Options of {@link chatlayer}. */
export type ChatlayerOptions = Omit<ClientCredentialsOptions, 'tokenUrl' | 'authMethod' | 'basicEncoding'> & {
  /** Default: Chatlayer's Keycloak token endpoint (europe-west1). */
  tokenUrl?: string | undefined;
};

/** Chatlayer (Keycloak) tokens: client credentials in the form body; 5-minute tokens. */
export function chatlayer(options: ChatlayerOptions): TokenProvider {
  return clientCredentials({
    ...requireOptions(options, 'chatlayer'),
    tokenUrl: options.tokenUrl ?? CHATLAYER_TOKEN_URL,
    authMethod: 'client_secret_post',
  });
}
