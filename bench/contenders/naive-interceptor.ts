import axios, { type AxiosError, type InternalAxiosRequestConfig } from 'axios';
import { CLIENT_ID, CLIENT_SECRET } from '../in-process-adapter.js';
import type { Contender } from './contender.js';

interface RetriedConfig extends InternalAxiosRequestConfig {
  _retried?: boolean;
}

/**
 * What users write before they find a library: `if (!token || expired) token = await fetch(...)`,
 * and on 401 forget the token and replay once. No single flight.
 */
export const naiveInterceptor: Contender = {
  id: 'naive',
  name: 'hand-written interceptor',
  refreshes: true,
  create(lab) {
    const tokenHttp = axios.create({ adapter: lab.adapter });
    const http = axios.create({ baseURL: lab.baseURL, adapter: lab.adapter });
    let token: string | undefined;
    let expiresAt = 0;
    http.interceptors.request.use(async (config) => {
      if (token === undefined || Date.now() >= expiresAt) {
        const form = new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: CLIENT_ID,
          client_secret: CLIENT_SECRET,
        });
        const { data } = await tokenHttp.post<{ access_token: string; expires_in: number }>(
          lab.tokenUrl,
          form,
        );
        token = data.access_token;
        expiresAt = Date.now() + data.expires_in * 1000;
      }
      config.headers.Authorization = `Bearer ${token}`;
      return config;
    });
    http.interceptors.response.use(undefined, (error: AxiosError) => {
      const config = error.config as RetriedConfig | undefined;
      if (error.response?.status !== 401 || config === undefined || config._retried === true) throw error;
      config._retried = true;
      token = undefined;
      return http.request(config);
    });
    return { http, dispose: () => undefined };
  },
};
