import axios from 'axios';
import { createAuthRefresh } from 'axios-auth-refresh';
import { CLIENT_ID, CLIENT_SECRET } from '../in-process-adapter.js';
import type { Contender } from './contender.js';

/**
 * `axios-auth-refresh` as its README shows it: a request interceptor reads the cached token, and a
 * 401 (also the first request's, and the first after expiry) runs the refresh and replays the
 * requests that were paused meanwhile.
 */
export const axiosAuthRefresh: Contender = {
  id: 'axios-auth-refresh',
  name: 'axios-auth-refresh',
  refreshes: true,
  create(lab) {
    const tokenHttp = axios.create({ adapter: lab.adapter });
    const http = axios.create({ baseURL: lab.baseURL, adapter: lab.adapter });
    let token: string | undefined;
    const refresh = async (): Promise<void> => {
      const form = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      });
      const { data } = await tokenHttp.post<{ access_token: string }>(lab.tokenUrl, form);
      token = data.access_token;
    };
    createAuthRefresh(http, refresh, AUTH_REFRESH_OPTIONS);
    http.interceptors.request.use((config) => {
      if (token !== undefined) config.headers.Authorization = `Bearer ${token}`;
      return config;
    });
    return { http, dispose: () => undefined };
  },
};

/**
 * `deduplicateRefresh: false`: with the default `true`, a 401 that arrives while the refresh runs is
 * rejected instead of replayed (99 of 100 concurrent 401s fail), so it would not do the same job.
 * Concurrent 401s still share the one refresh call that is running.
 */
const AUTH_REFRESH_OPTIONS = { deduplicateRefresh: false };
