// A one-shot script: a caller joins a background refresh in a long back-off of its own (an unref'd
// timer), then gives up its wait. Nothing waits for the refresh any more, so the process must exit
// without sitting out the back-off. Prints why the caller's wait ended.
import { TokenManager } from '../../../src/token-manager.js';
import type { FetchTokenContext, Token } from '../../../src/token.js';

async function main(): Promise<void> {
  let clock = 1_700_000_000_000;
  const manager = new TokenManager({ now: () => clock });
  const provider = {
    key: 'one-shot',
    async fetchToken(context: FetchTokenContext): Promise<Token> {
      if (context.background === true) {
        await new Promise((resolve) => setTimeout(resolve, 60_000).unref());
      }
      return { accessToken: 'token', tokenType: 'Bearer', expiresAt: clock + 300_000, raw: {} };
    },
  };
  await manager.getToken(provider);
  clock += 240_000; // inside the refresh window: the next peek starts a background refresh
  manager.peekToken(provider);
  await new Promise((resolve) => setImmediate(resolve)); // the refresh is now in its back-off
  clock += 55_000; // too close to expiry to send: the caller joins the refresh
  const outcome = await manager.getToken(provider, { signal: AbortSignal.timeout(100) }).then(
    () => 'got a token',
    (error: unknown) => `gave up: ${(error as Error).name}`,
  );
  console.log(outcome);
}

setTimeout(() => void main(), 10);
