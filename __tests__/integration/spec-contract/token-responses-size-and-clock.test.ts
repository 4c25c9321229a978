import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bankOfGeorgia, clientCredentials, gigachat, TokenRequestError } from '../../../src/index.js';
import { b64, jwt, manager, rejection, tokenServer } from '../../support/spec-contract-kit.js';

// The public contract, checked from the outside: every case names the sentence it checks.
// Here: Token answers understood — the 1 MiB limit and the Date header.

describe('Token responses understood', () => {
  test("a token body over 1 MiB is refused (code 'invalid_token_response')", async () => {
    const big = JSON.stringify({ access_token: 'x'.repeat(1024 * 1024 + 10), expires_in: 60 });
    const s = await tokenServer(() => ({ headers: { 'content-type': 'application/json' }, body: big }));
    const err = await rejection(
      manager().getToken(clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's' })),
    );
    expect(err).toBeInstanceOf(TokenRequestError);
    expect((err as TokenRequestError).code).toBe('invalid_token_response');
  });

  test('a body just under 1 MiB is accepted', async () => {
    const s = await tokenServer(() => ({
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ access_token: 'y'.repeat(1000 * 1000), expires_in: 60 }),
    }));
    const t = await manager().getToken(
      clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's' }),
    );
    expect(t.accessToken).toHaveLength(1000 * 1000);
  });

  test('a chunked token body over 1 MiB is refused', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      res.write('{"access_token":"');
      const chunk = 'x'.repeat(64 * 1024);
      for (let i = 0; i < 20; i += 1) res.write(chunk);
      res.end('","expires_in":60}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const err = await rejection(
        manager().getToken(
          clientCredentials({ tokenUrl: `http://127.0.0.1:${port}/big`, clientId: 'i', clientSecret: 's' }),
        ),
      );
      expect((err as TokenRequestError).code).toBe('invalid_token_response');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  test('a gzip token body that inflates over 1 MiB is refused', async () => {
    const { gzipSync } = await import('node:zlib');
    const big = gzipSync(JSON.stringify({ access_token: 'x'.repeat(2 * 1024 * 1024), expires_in: 60 }));
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(big);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const err = await rejection(
        manager().getToken(
          clientCredentials({ tokenUrl: `http://127.0.0.1:${port}/gz`, clientId: 'i', clientSecret: 's' }),
        ),
      );
      expect((err as TokenRequestError).code).toBe('invalid_token_response');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  test('an error body over 1 MiB (e.g. 500 HTML) fails cleanly', async () => {
    const s = await tokenServer(() => ({
      status: 500,
      headers: { 'content-type': 'text/html' },
      body: 'e'.repeat(3 * 1024 * 1024),
    }));
    const err = (await rejection(
      manager().getToken(clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's' })),
    )) as TokenRequestError;
    expect(err).toBeInstanceOf(TokenRequestError);
    expect(err.status).toBe(500);
    expect(err.message.length).toBeLessThan(2_000);
  });

  test('Date header: clocks differing by more than 5 s move absolute expiries by (local − server)', async () => {
    const skew = 10 * 60_000; // the server is 10 minutes behind
    const s = await tokenServer(() => {
      const serverNow = Date.now() - skew;
      return {
        headers: { date: new Date(serverNow).toUTCString() },
        body: { access_token: 'd', expires_at: serverNow + 1_800_000 },
      };
    });
    const t = await manager().getToken(gigachat({ credentials: b64('a:b'), tokenUrl: s.url }));
    expect(Math.abs(t.expiresAt! - (Date.now() + 1_800_000))).toBeLessThan(3_000);
  });

  test('Date header: a difference of at most 5 s is noise (no correction)', async () => {
    const expiresAt = Date.now() + 1_800_000;
    const s = await tokenServer(() => ({
      headers: { date: new Date(Date.now() - 3_000).toUTCString() },
      body: { access_token: 'd', expires_at: expiresAt },
    }));
    const t = await manager().getToken(gigachat({ credentials: b64('a:b'), tokenUrl: s.url }));
    expect(t.expiresAt).toBe(expiresAt);
  });

  test('Date header: a relative expires_in is not moved', async () => {
    const s = await tokenServer(() => ({
      headers: { date: new Date(Date.now() - 3_600_000).toUTCString() },
      body: { access_token: 'd', expires_in: 600 },
    }));
    const t = await manager().getToken(
      clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's' }),
    );
    expect(Math.abs(t.expiresAt! - (Date.now() + 600_000))).toBeLessThan(2_000);
  });

  test('Date header moves a JWT exp (absolute) too', async () => {
    const skew = 10 * 60_000;
    const s = await tokenServer(() => {
      const serverNow = Date.now() - skew;
      return {
        headers: { date: new Date(serverNow).toUTCString() },
        body: { access_token: jwt({ exp: Math.floor((serverNow + 1_800_000) / 1000) }) },
      };
    });
    const t = await manager().getToken(
      clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's' }),
    );
    expect(Math.abs(t.expiresAt! - (Date.now() + 1_800_000))).toBeLessThan(3_000);
  });

  test('Date header moves an older GigaChat exp (epoch s) too', async () => {
    const skew = 10 * 60_000;
    const s = await tokenServer(() => {
      const serverNow = Date.now() - skew;
      return {
        headers: { date: new Date(serverNow).toUTCString() },
        body: { tok: 'old', exp: Math.floor((serverNow + 1_800_000) / 1000) },
      };
    });
    const t = await manager().getToken(gigachat({ credentials: b64('a:b'), tokenUrl: s.url }));
    expect(Math.abs(t.expiresAt! - (Date.now() + 1_800_000))).toBeLessThan(3_000);
  });

  test('Date header moves an absolute expires_in (Bank of Georgia) too', async () => {
    const skew = -10 * 60_000; // the server is 10 minutes ahead
    const s = await tokenServer(() => {
      const serverNow = Date.now() - skew;
      return {
        headers: { date: new Date(serverNow).toUTCString() },
        body: { access_token: 'b', expires_in: serverNow + 1_800_000 },
      };
    });
    const t = await manager().getToken(bankOfGeorgia({ clientId: 'i', clientSecret: 's', tokenUrl: s.url }));
    expect(Math.abs(t.expiresAt! - (Date.now() + 1_800_000))).toBeLessThan(3_000);
  });

  test('a client whose clock is wrong by days still reads an epoch exp: the window applies to the moved value', async () => {
    // local clock is 2 days ahead of the server: exp (server +30 min) is "two days ago" locally
    const skew = 2 * 86_400_000;
    const s = await tokenServer(() => {
      const serverNow = Date.now() - skew;
      return {
        headers: { date: new Date(serverNow).toUTCString() },
        body: { tok: 'x', exp: Math.floor((serverNow + 1_800_000) / 1000) },
      };
    });
    const t = await manager().getToken(gigachat({ credentials: b64('a:b'), tokenUrl: s.url }));
    expect(Math.abs(t.expiresAt! - (Date.now() + 1_800_000))).toBeLessThan(3_000);
  });
});
