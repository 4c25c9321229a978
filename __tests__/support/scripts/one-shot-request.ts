// A one-shot script: one API call through the plugin, then nothing. Prints the outcome.
import axios from 'axios';
import { attachTokenAuth } from '../../../src/attach-token-auth.js';
import { clientCredentials } from '../../../src/client-credentials.js';

const [apiUrl, tokenUrl, clientId, clientSecret] = process.argv.slice(2) as [string, string, string, string];
const api = axios.create({ baseURL: apiUrl });
attachTokenAuth(api, { provider: clientCredentials({ tokenUrl, clientId, clientSecret }) });
const response = await api.get('/one-shot');
console.log(`status ${response.status}`);
