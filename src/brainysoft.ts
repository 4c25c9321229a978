import { invalidOptions } from './errors.js';
import { clientCredentials, type ClientCredentialsOptions } from './client-credentials.js';
import { requireOptions } from './http-token-provider.js';
import type { TokenProvider } from './token.js';

/** Where the Brainysoft authorization service is: the customer key, or the token URL itself. */
export type BrainysoftTarget =
  | {
      /** The `{customerKey}` of `https://{customerKey}-auth.brainysoft.ru/oauth/token`. */ customerKey: string;
      tokenUrl?: string | undefined;
    }
  | { customerKey?: undefined; tokenUrl: string };

/** Options of {@link brainysoft}. */
export type BrainysoftOptions = Omit<ClientCredentialsOptions, 'tokenUrl' | 'authMethod' | 'basicEncoding'> &
  BrainysoftTarget & {
    /** Default `'client_secret_post'` (form body); `'client_secret_query'` puts everything in the URL. */
    authMethod?: 'client_secret_post' | 'client_secret_query' | undefined;
  };

const CUSTOMER_KEY = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * Brainysoft tokens: client credentials in the form body (or the query string), answered with
 * `expires_in`, `scope` and `sessid`.
 *
 * @throws {TokenAuthConfigError} on a missing option or a customer key that is not a host name label.
 */
export function brainysoft(options: BrainysoftOptions): TokenProvider {
  const { customerKey } = requireOptions(options, 'brainysoft');
  if (customerKey !== undefined && (typeof customerKey !== 'string' || !CUSTOMER_KEY.test(customerKey))) {
    throw invalidOptions(
      'brainysoft: `customerKey` may only hold lower-case letters, digits and inner hyphens',
    );
  }
  const tokenUrl =
    options.tokenUrl ??
    (customerKey === undefined ? undefined : `https://${customerKey}-auth.brainysoft.ru/oauth/token`);
  if (tokenUrl === undefined) {
    throw invalidOptions('brainysoft: `customerKey` or `tokenUrl` is required');
  }
  const authMethod = options.authMethod ?? 'client_secret_post';
  if (authMethod !== 'client_secret_post' && authMethod !== 'client_secret_query') {
    throw invalidOptions("brainysoft: authMethod must be 'client_secret_post' or 'client_secret_query'");
  }
  const { customerKey: _customerKey, ...rest } = options;
  return clientCredentials({ ...rest, tokenUrl, authMethod });
}
