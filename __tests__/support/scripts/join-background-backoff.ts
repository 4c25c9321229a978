// A one-shot script: a caller joins a background refresh while that refresh waits in a back-off of
// its own (an unref'd timer, as background work must use), so nothing else keeps the process alive.
// It runs from a timer, once the module has loaded. Prints the token the caller gets.
import { TokenManager } from '../../../src/token-manager.js';
import type { FetchTokenContext, Token } from '../../../src/token.js';

async function main(): Promise<void> {
  let clock = 1_700_000_000_000;
  let issued = 0;
  const manager = new TokenManager({ now: () => clock });
  const provider = {
    key: 'one-shot',
    async fetchToken(context: FetchTokenContext): Promise<Token> {
      if (context.background === true) {
        await new Promise((resolve) => setTimeout(resolve, 200).unref());
      }
      issued += 1;
      return { accessToken: `token-${issued}`, tokenType: 'Bearer', expiresAt: clock + 300_000, raw: {} };
    },
  };
  await manager.getToken(provider);
  clock += 240_000; // inside the refresh window: the next peek starts a background refresh
  manager.peekToken(provider);
  await new Promise((resolve) => setImmediate(resolve)); // the refresh is now in its back-off
  clock += 55_000; // too close to expiry to send: the caller joins the refresh
  const joined = await manager.getToken(provider);
  console.log(`joined ${joined.accessToken}`);
}

setTimeout(() => void main(), 10);
