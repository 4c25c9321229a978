import { inspect } from 'node:util';
import { attachTokenAuth, clientCredentials, gigachat, TokenRequestError } from '../../../src/index.js';
import {
  api,
  b64,
  manager,
  okToken,
  rejection,
  servers,
  tokenServer,
} from '../../support/spec-contract-kit.js';

// The public contract, checked from the outside: every case names the sentence it checks.
// Here: Errors.

describe('Errors', () => {
  test("TokenRequestError extends Error, name 'TokenRequestError', providerKey", async () => {
    const s = await tokenServer(() => ({ status: 400, body: { error: 'invalid_request' } }));
    const p = clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's' });
    const err = (await rejection(manager().getToken(p))) as TokenRequestError;
    expect(err).toBeInstanceOf(Error);
    expect(err).toBeInstanceOf(TokenRequestError);
    expect(err.name).toBe('TokenRequestError');
    expect(err.providerKey).toBe(p.key);
    expect(err.status).toBe(400);
    expect(err.code).toBe('invalid_request');
  });

  test('code: GigaChat numeric code, description: GigaChat message', async () => {
    const s = await tokenServer(() => ({
      status: 401,
      body: { code: 6, message: "credentials doesn't match db data" },
    }));
    const err = (await rejection(
      manager().getToken(gigachat({ credentials: b64('a:b'), tokenUrl: s.url })),
    )) as TokenRequestError;
    expect(err.status).toBe(401);
    expect(String(err.code)).toBe('6');
    expect(err.description).toBe("credentials doesn't match db data");
  });

  test("code: 'invalid_token_response' for a 200 without an access token", async () => {
    const s = await tokenServer(() => ({ body: { token_type: 'Bearer', expires_in: 60 } }));
    const err = (await rejection(
      manager().getToken(clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's' })),
    )) as TokenRequestError;
    expect(err.code).toBe('invalid_token_response');
  });

  test("code: 'invalid_token_response' for a body that is not a token at all (HTML)", async () => {
    const s = await tokenServer(() => ({
      headers: { 'content-type': 'text/html' },
      body: '<html>login</html>',
    }));
    const err = (await rejection(
      manager().getToken(clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's' })),
    )) as TokenRequestError;
    expect(err).toBeInstanceOf(TokenRequestError);
    expect(err.code).toBe('invalid_token_response');
  });

  test("code: 'network_error' when the token endpoint cannot be reached", async () => {
    const s = await tokenServer(() => okToken());
    const url = s.url;
    await s.close();
    servers.splice(servers.indexOf(s), 1);
    const err = (await rejection(
      manager().getToken(clientCredentials({ tokenUrl: url, clientId: 'i', clientSecret: 's' })),
    )) as TokenRequestError;
    expect(err).toBeInstanceOf(TokenRequestError);
    expect(err.code).toBe('network_error');
    expect(err.status).toBeUndefined();
  });

  test('form-encoded error body is read (code)', async () => {
    const s = await tokenServer(() => ({
      status: 400,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'error=invalid_client&error_description=nope',
    }));
    const err = (await rejection(
      manager().getToken(clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's' })),
    )) as TokenRequestError;
    expect(err.code).toBe('invalid_client');
    expect(err.description).toBe('nope');
  });

  test('the message names the provider key, the endpoint and the status', async () => {
    const s = await tokenServer(() => ({ status: 401, body: { error: 'invalid_client' } }));
    const p = clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's' });
    const err = (await rejection(manager().getToken(p))) as TokenRequestError;
    expect(err.message).toContain(p.key);
    expect(err.message).toContain(new URL(s.url).host);
    expect(err.message).toContain(new URL(s.url).pathname);
    expect(err.message).toContain('401');
  });

  test('client_secret_query: the error message names the endpoint without the secret', async () => {
    const s = await tokenServer(() => ({ status: 401, body: { error: 'invalid_client' } }));
    const secret = 'QuerySecret-123456';
    const p = clientCredentials({
      tokenUrl: s.url,
      clientId: 'i',
      clientSecret: secret,
      authMethod: 'client_secret_query',
    });
    const err = (await rejection(manager().getToken(p))) as TokenRequestError;
    expect(err.message).toContain(new URL(s.url).pathname);
    expect(err.message + err.stack + inspect(err, { depth: 10 }) + JSON.stringify(err)).not.toContain(secret);
  });

  test('no client secret, Basic header or token in message, stack, properties, cause, toJSON() or inspect', async () => {
    const secret = 'S3cr3t-Client-Value';
    const s = await tokenServer(() => ({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'nope' },
    }));
    const p = clientCredentials({ tokenUrl: s.url, clientId: 'cid', clientSecret: secret });
    const { instance } = api();
    attachTokenAuth(instance, { provider: p, manager: manager() });
    const err = (await rejection(instance.get('/x'))) as TokenRequestError;
    const basic = b64(`cid:${secret}`);
    const json = JSON.stringify(err);
    const texts = [err.message, err.stack ?? '', inspect(err, { depth: 10, showHidden: false }), json];
    const cause = (err as { cause?: unknown }).cause;
    if (cause) texts.push(inspect(cause, { depth: 10 }));
    for (const t of texts) {
      expect(t).not.toContain(secret);
      expect(t).not.toContain(basic);
    }
  });
});
