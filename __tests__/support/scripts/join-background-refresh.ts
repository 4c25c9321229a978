// A one-shot script: a caller joins a background refresh that has not sent its token request yet, so
// nothing but the refresh's own next step is pending. It runs from a timer, once the module has loaded:
// while an ES module loads, Node keeps the process alive by itself. Prints the token the caller gets.
import { TokenManager } from '../../../src/token-manager.js';
import type { Token } from '../../../src/token.js';

async function main(): Promise<void> {
  let clock = 1_700_000_000_000;
  let issued = 0;
  const manager = new TokenManager({ now: () => clock });
  const provider = {
    key: 'one-shot',
    async fetchToken(): Promise<Token> {
      issued += 1;
      return { accessToken: `token-${issued}`, tokenType: 'Bearer', expiresAt: clock + 300_000, raw: {} };
    },
  };
  await manager.getToken(provider);
  clock += 240_000; // inside the refresh window: the next peek starts a background refresh
  manager.peekToken(provider);
  const joined = await manager.getToken(provider, { forceRefresh: true });
  console.log(`joined ${joined.accessToken}`);
}

setTimeout(() => void main(), 10);
