import { createServer, get, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createLocalJWKSet,
  errors as joseErrors,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  type JSONWebKeySet,
} from 'jose';
import { send, startLoopbackServer, type RecordedRequest } from './loopback-server.js';

export interface OidcClient {
  clientId: string;
  clientSecret: string;
  authMethod: 'client_secret_basic' | 'client_secret_post';
}

/** A static confidential client registered for HTTP Basic authentication. */
export const BASIC_CLIENT: OidcClient = {
  clientId: 'basic-client',
  // RFC 6749 §2.3.1 form-encodes these before base64; oidc-provider accepts VSCHAR (printable ASCII) only.
  clientSecret: 'basic-secret:%+ /&=',
  authMethod: 'client_secret_basic',
};
/** A static confidential client registered for form-body authentication. */
export const POST_CLIENT: OidcClient = {
  clientId: 'post-client',
  clientSecret: 'post-secret-8c1f0e',
  authMethod: 'client_secret_post',
};

export const API_SCOPE = 'api:read';

export interface OidcServerOptions {
  /** Lifetime of issued access tokens, whole seconds (default 2). */
  accessTokenTtlSeconds?: number;
}

export interface OidcTokenRequest {
  /** `'basic'` when an `Authorization: Basic` header was sent, else `'body'`. */
  credentialsIn: 'basic' | 'body';
  at: number;
}

export interface OidcServerStats {
  /** POSTs to the token endpoint, whatever their outcome. */
  tokenRequests: number;
  /** Access tokens oidc-provider issued. */
  tokensIssued: number;
  apiRequests: number;
  /** API answers with status 401. */
  apiUnauthorized: number;
  /** Requests whose JWT was past its `exp` when the API verified it. */
  expiredTokenSeen: number;
  /** Requests whose token was revoked through the API's deny list. */
  revokedTokenSeen: number;
  tokenRequestsLog: OidcTokenRequest[];
  /** Every API request with its verified claims (absent when verification failed). */
  apiRequestsLog: Array<RecordedRequest & { claims?: Record<string, unknown> }>;
}

export interface OidcServer {
  /** The authorization server's issuer, `http://127.0.0.1:PORT`. */
  issuer: string;
  /** Its token endpoint, as the discovery document states it. */
  tokenUrl: string;
  /** The protected API (another loopback server, its own origin); any path below it. */
  apiUrl: string;
  stats: OidcServerStats;
  resetStats(): void;
  /** Lifetime of access tokens issued from now on. */
  setAccessTokenTtl(seconds: number): void;
  /**
   * Every access token issued so far goes onto the API's deny list (JWT access tokens cannot be
   * revoked at the authorization server: the resource server has to refuse them).
   */
  revokeAll(): void;
  /** While on, every newly issued access token is denied as well (a resource server refusing all). */
  setRevokeOnIssue(on: boolean): void;
  close(): Promise<void>;
}

interface ProviderInstance {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  on(event: string, listener: (...args: unknown[]) => void): void;
}
type ProviderConstructor = new (issuer: string, configuration: Record<string, unknown>) => ProviderInstance;

/**
 * Starts oidc-provider (an OpenID-certified authorization server) in-process on 127.0.0.1 with two
 * static confidential clients and the client-credentials grant issuing short-lived ES256 JWT access
 * tokens for one resource, and a protected API on a second loopback server that verifies them with
 * `jose` against the provider's published JWKS, like a real resource server.
 */
export async function startOidcServer(options: OidcServerOptions = {}): Promise<OidcServer> {
  let ttlSeconds = options.accessTokenTtlSeconds ?? 2;
  const stats = emptyStats();
  const issued = new Set<string>();
  const denied = new Set<string>();
  let revokeOnIssue = false;

  const authServer = createServer();
  const issuer = await listen(authServer);
  const api = await startLoopbackServer((_req, res, recorded) => verifyRequest(res, recorded));
  const audience = `${api.url}/`;

  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'signing-key-1', alg: 'ES256', use: 'sig' };
  const OidcProvider = await quietly(async () => {
    // oidc-provider ships no types; the few members used here are typed above.
    const module = (await import('oidc-provider')) as { default: unknown };
    return module.default as ProviderConstructor;
  });
  const provider = quietly(
    () =>
      new OidcProvider(issuer, {
        clients: [BASIC_CLIENT, POST_CLIENT].map((client) => ({
          client_id: client.clientId,
          client_secret: client.clientSecret,
          token_endpoint_auth_method: client.authMethod,
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
        })),
        clientDefaults: { id_token_signed_response_alg: 'ES256' },
        jwks: { keys: [signingKey] },
        scopes: [API_SCOPE],
        features: {
          devInteractions: { enabled: false },
          clientCredentials: { enabled: true },
          resourceIndicators: {
            enabled: true,
            defaultResource: () => audience,
            useGrantedResource: () => true,
            getResourceServerInfo: () => ({
              scope: API_SCOPE,
              audience,
              accessTokenFormat: 'jwt',
              accessTokenTTL: ttlSeconds,
              jwt: { sign: { alg: 'ES256' } },
            }),
          },
        },
        ttl: { ClientCredentials: () => ttlSeconds },
      }),
  );
  provider.on('client_credentials.issued', (token) => {
    stats.tokensIssued += 1;
    const jti = (token as { jti?: unknown }).jti;
    if (typeof jti === 'string') issued.add(jti);
    if (typeof jti === 'string' && revokeOnIssue) denied.add(jti);
  });
  const handle = provider.callback();
  authServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'POST' && req.url?.split('?')[0] === '/token') {
      stats.tokenRequests += 1;
      const basic = /^basic\s/i.test(req.headers.authorization ?? '');
      stats.tokenRequestsLog.push({ credentialsIn: basic ? 'basic' : 'body', at: Date.now() });
    }
    handle(req, res);
  });

  // The resource server learns the keys the way a real one does: from the issuer's discovery document.
  const discovery = (await getJson(`${issuer}/.well-known/openid-configuration`)) as {
    token_endpoint: string;
    jwks_uri: string;
  };
  const jwks = createLocalJWKSet((await getJson(discovery.jwks_uri)) as JSONWebKeySet);

  async function verifyRequest(res: ServerResponse, recorded: RecordedRequest): Promise<void> {
    stats.apiRequests += 1;
    const entry: OidcServerStats['apiRequestsLog'][number] = { ...recorded };
    stats.apiRequestsLog.push(entry);
    const token = /^bearer\s+(\S+)\s*$/i.exec(recorded.headers['authorization'] ?? '')?.[1];
    const refuse = (description: string): void => {
      stats.apiUnauthorized += 1;
      send(
        res,
        401,
        { error: 'invalid_token', error_description: description },
        {
          'WWW-Authenticate': `Bearer error="invalid_token", error_description="${description}"`,
        },
      );
    };
    if (token === undefined) return refuse('no bearer token');
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer,
        audience,
        algorithms: ['ES256'],
        typ: 'at+jwt',
      });
      if (typeof payload.jti === 'string' && denied.has(payload.jti)) {
        stats.revokedTokenSeen += 1;
        return refuse('the access token was revoked');
      }
      entry.claims = payload;
      send(res, 200, {
        ok: true,
        path: recorded.path,
        method: recorded.method,
        client: payload['client_id'],
      });
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) {
        stats.expiredTokenSeen += 1;
        return refuse('the access token expired');
      }
      return refuse('the access token is invalid');
    }
  }

  let closed: Promise<void> | undefined;
  return {
    issuer,
    tokenUrl: discovery.token_endpoint,
    apiUrl: `${api.url}/api`,
    stats,
    resetStats: () => Object.assign(stats, emptyStats()),
    setAccessTokenTtl: (seconds) => {
      ttlSeconds = seconds;
    },
    revokeAll: () => {
      for (const jti of issued) denied.add(jti);
    },
    setRevokeOnIssue: (on) => {
      revokeOnIssue = on;
    },
    close: () => {
      closed ??= Promise.all([closeServer(authServer), api.close()]).then(() => undefined);
      return closed;
    },
  };
}

/**
 * Runs `fn` with oidc-provider's start-up warnings (Node 20 is not its preferred runtime; the
 * in-memory adapter is for development) kept out of the test output. Other warnings pass.
 */
function quietly<T>(fn: () => T): T {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('oidc-provider WARNING')) return;
    warn(...args);
  };
  const restore = (): void => {
    console.warn = warn;
  };
  try {
    const result = fn();
    if (result instanceof Promise) return result.finally(restore) as T;
    restore();
    return result;
  } catch (error) {
    restore();
    throw error;
  }
}

function emptyStats(): OidcServerStats {
  return {
    tokenRequests: 0,
    tokensIssued: 0,
    apiRequests: 0,
    apiUnauthorized: 0,
    expiredTokenSeen: 0,
    revokedTokenSeen: 0,
    tokenRequestsLog: [],
    apiRequestsLog: [],
  };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** GET without a keep-alive agent, so no socket outlives the call. */
function getJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
      res.on('error', reject);
    }).on('error', reject);
  });
}
