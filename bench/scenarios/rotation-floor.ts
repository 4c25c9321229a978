import axios from 'axios';
import type { Contender } from '../contenders/contender.js';
import { grantBody } from '../in-process-adapter.js';

/**
 * The floor of the rotation scenario: raw axios with a static header that a bare token request
 * replaces halfway through each token's life (when this package refreshes too). No cache, no single
 * flight, no parsing beyond `JSON.parse`, no retry: what remains is the cost of sending one token
 * request and reading its answer on the same event loop as the traffic, which any client pays.
 */
export const rotationFloor: Contender = {
  id: 'rotation-floor',
  name: 'floor: static header, swapped by a bare token request',
  refreshes: true,
  create(lab) {
    const http = axios.create({ baseURL: lab.baseURL, adapter: lab.adapter });
    const tokenHttp = axios.create({ adapter: lab.adapter });
    const body = grantBody();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let disposed = false;
    const refresh = async (): Promise<void> => {
      const response = await tokenHttp.post<string>(lab.tokenUrl, body, {
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        responseType: 'text',
        transformResponse: [(data: unknown) => data],
      });
      const answer = JSON.parse(response.data) as { access_token: string; expires_in: number };
      http.defaults.headers.common['Authorization'] = `Bearer ${answer.access_token}`;
      if (!disposed) timer = setTimeout(() => void refresh(), (answer.expires_in * 1000) / 2);
    };
    // The first token stands in for a cached one; the first swap comes halfway through a lifetime.
    http.defaults.headers.common['Authorization'] = `Bearer ${lab.issueStaticToken()}`;
    timer = setTimeout(() => void refresh(), (lab.options.tokenLifetimeS * 1000) / 2);
    return {
      http,
      dispose: () => {
        disposed = true;
        clearTimeout(timer);
      },
    };
  },
};
