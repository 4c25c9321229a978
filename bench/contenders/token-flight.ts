import axios from 'axios';
import { attachTokenAuth } from '../../src/attach-token-auth.js';
import { clientCredentials } from '../../src/client-credentials.js';
import { TokenManager } from '../../src/token-manager.js';
import { CLIENT_ID, CLIENT_SECRET } from '../in-process-adapter.js';
import type { Contender } from './contender.js';

/** This package: `attachTokenAuth` with a `clientCredentials` provider and its own manager. */
export const tokenFlight: Contender = {
  id: 'axios-token-flight',
  name: 'axios-token-flight',
  refreshes: true,
  create(lab) {
    const http = axios.create({ baseURL: lab.baseURL, adapter: lab.adapter });
    const manager = new TokenManager();
    const provider = clientCredentials({
      tokenUrl: lab.tokenUrl,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      http: { adapter: lab.adapter },
    });
    const detach = attachTokenAuth(http, { provider, manager });
    return {
      http,
      dispose: () => {
        detach();
        manager.dispose();
      },
    };
  },
};
