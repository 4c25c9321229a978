import axios, { type AxiosError, type InternalAxiosRequestConfig } from 'axios';
import { clientCredentials } from 'axios-oauth-client';
import tokenInterceptor from 'axios-token-interceptor';
import { CLIENT_ID, CLIENT_SECRET } from '../in-process-adapter.js';
import type { Contender } from './contender.js';

interface TokenBody {
  access_token: string;
  expires_in: number;
}

interface RetriedConfig extends InternalAxiosRequestConfig {
  _retried?: boolean;
}

/**
 * `axios-oauth-client` for the grant with `axios-token-interceptor` and its `tokenCache` (their usual
 * pairing, as in the latter's README); a 401 resets the cache and replays the request once.
 */
export const axiosOauthClient: Contender = {
  id: 'axios-oauth-client',
  name: 'axios-oauth-client + axios-token-interceptor',
  refreshes: true,
  create(lab) {
    const tokenHttp = axios.create({ adapter: lab.adapter });
    const http = axios.create({ baseURL: lab.baseURL, adapter: lab.adapter });
    const grant = clientCredentials(
      tokenHttp,
      lab.tokenUrl,
      CLIENT_ID,
      CLIENT_SECRET,
    ) as () => Promise<TokenBody>;
    const cache = tokenInterceptor.tokenCache(() => grant(), {
      getMaxAge: (body: TokenBody) => body.expires_in * 1000,
    });
    http.interceptors.request.use(
      tokenInterceptor({
        getToken: cache,
        headerFormatter: (body: TokenBody) => `Bearer ${body.access_token}`,
      }),
    );
    http.interceptors.response.use(undefined, (error: AxiosError) => {
      const config = error.config as RetriedConfig | undefined;
      if (error.response?.status !== 401 || config === undefined || config._retried === true) throw error;
      config._retried = true;
      cache.reset();
      return http.request(config);
    });
    return { http, dispose: () => undefined };
  },
};
