import { clientCredentials, type ClientCredentialsOptions } from './client-credentials.js';
import { requireOptions } from './http-token-provider.js';
import type { TokenProvider } from './token.js';

export const BANK_OF_GEORGIA_TOKEN_URL =
  'https://oauth2.bog.ge/auth/realms/bog/protocol/openid-connect/token';

/** Options of {@link bankOfGeorgia}. */
export type BankOfGeorgiaOptions = Omit<ClientCredentialsOptions, 'tokenUrl' | 'authMethod'> & {
  /** Default: `https://oauth2.bog.ge/auth/realms/bog/protocol/openid-connect/token`. */
  tokenUrl?: string | undefined;
};

/**
 * Bank of Georgia (Keycloak) tokens: HTTP Basic client authentication. Its `expires_in` may hold an
 * absolute epoch-ms value, which the response parser recognises.
 */
export function bankOfGeorgia(options: BankOfGeorgiaOptions): TokenProvider {
  return clientCredentials({
    ...requireOptions(options, 'bankOfGeorgia'),
    tokenUrl: options.tokenUrl ?? BANK_OF_GEORGIA_TOKEN_URL,
    authMethod: 'client_secret_basic',
  });
}
