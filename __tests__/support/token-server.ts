import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  authenticateClient,
  type BasicDecoding,
  type ClientAuthMethod,
  type LabClient,
} from './client-auth.js';
import { send, type RecordedRequest } from './loopback-server.js';
import type { TokenRegistry } from './token-registry.js';
import {
  advertisedExpiry,
  expiryOfValue,
  TOKEN_SHAPES,
  tokenResponseBody,
  type TokenShape,
} from './token-responses.js';

/** A failure the token endpoint simulates instead of (or while) answering normally. */
export type TokenFault =
  | { kind: 'down' }
  | { kind: 'hang' }
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  | { kind: 'html' }
  | { kind: 'invalid-json' }
  | { kind: 'empty' }
  | { kind: 'no-access-token' }
  | { kind: 'expires-in'; value: unknown }
  | { kind: 'times'; fault: TokenFault; count: number };

/** A recorded token request, with the client authentication method that succeeded (if any). */
export interface RecordedTokenRequest extends RecordedRequest {
  shape: TokenShape | undefined;
  clientAuth: ClientAuthMethod | undefined;
}

export interface TokenEndpointOptions {
  registry: TokenRegistry;
  now: () => number;
  clients: readonly LabClient[];
  basicDecoding: BasicDecoding;
  lifetimeMs: number;
  delayMs: number;
  later: (ms: number, fn: () => void) => void;
  onRequest: (request: RecordedTokenRequest) => void;
}

const GIGACHAT_SCOPES = ['GIGACHAT_API_PERS', 'GIGACHAT_API_B2B', 'GIGACHAT_API_CORP'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INVALID_CLIENT = { error: 'invalid_client', error_description: 'Invalid client credentials' };

/** The token endpoint: `POST /token/<shape>`, with switchable lifetime, latency and faults. */
export class TokenEndpoint {
  lifetimeMs: number;
  delayMs: number;
  #fault: TokenFault | null = null;
  #faultUses = 0;

  constructor(private readonly options: TokenEndpointOptions) {
    this.lifetimeMs = options.lifetimeMs;
    this.delayMs = options.delayMs;
  }

  setFault(fault: TokenFault | null): void {
    this.#fault = fault;
    this.#faultUses = 0;
  }

  /** The fault for the next request; a `times` fault counts its uses. */
  #nextFault(): TokenFault | null {
    let fault = this.#fault;
    if (fault?.kind === 'times') {
      if (this.#faultUses >= fault.count) return null;
      this.#faultUses += 1;
      fault = fault.fault;
      // Nested `times` would be ambiguous; the inner one is applied as a plain fault.
      while (fault.kind === 'times') fault = fault.fault;
    }
    return fault;
  }

  handle(req: IncomingMessage, res: ServerResponse, recorded: RecordedRequest, shapeName: string): void {
    const shape = (TOKEN_SHAPES as readonly string[]).includes(shapeName)
      ? (shapeName as TokenShape)
      : undefined;
    const entry: RecordedTokenRequest = { ...recorded, shape, clientAuth: undefined };
    this.options.onRequest(entry);
    if (!shape) return send(res, 404, { error: 'not_found' });
    if (recorded.method !== 'POST') {
      return send(res, 405, { error: 'invalid_request', error_description: 'POST only' }, { Allow: 'POST' });
    }
    const fault = this.#nextFault();
    if (fault?.kind === 'down') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'hang') return; // answered by nothing; close() drops the connection
    const answer = (): void => this.#answer(res, entry, shape, fault);
    if (this.delayMs > 0) this.options.later(this.delayMs, answer);
    else answer();
  }

  #answer(
    res: ServerResponse,
    entry: RecordedTokenRequest,
    shape: TokenShape,
    fault: TokenFault | null,
  ): void {
    if (fault && this.#sendTransportFault(res, fault)) return;
    const contentType = entry.headers['content-type'] ?? '';
    const form = new URLSearchParams(
      contentType.includes('application/x-www-form-urlencoded') ? entry.body : '',
    );
    const gigachat = shape === 'gigachat' || shape === 'gigachat-legacy';
    const auth = authenticateClient(entry, form, {
      clients: this.options.clients,
      basicDecoding: this.options.basicDecoding,
      authorizationKeyOnly: gigachat,
    });
    if (!auth) {
      return send(res, 401, INVALID_CLIENT, gigachat ? {} : { 'WWW-Authenticate': 'Basic realm="auth-lab"' });
    }
    entry.clientAuth = auth.method;
    if (gigachat) {
      if (!UUID.test(entry.headers['rquid'] ?? '')) {
        return send(res, 400, { code: 5, message: 'RqUID header is invalid' });
      }
      if (!GIGACHAT_SCOPES.includes(form.get('scope') ?? '')) {
        return send(res, 400, { code: 1, message: 'scope data format invalid' });
      }
    } else {
      const grantType = form.get('grant_type') ?? entry.query['grant_type'];
      if (grantType !== 'client_credentials') {
        return send(res, 400, {
          error: 'unsupported_grant_type',
          error_description: 'Only client_credentials is supported',
        });
      }
    }

    const issuedAt = this.options.now();
    const advertised = advertisedExpiry(shape, issuedAt, this.lifetimeMs);
    let expiry: unknown = advertised.value;
    let expiresAt = advertised.expiresAt;
    if (fault?.kind === 'expires-in') {
      expiry = fault.value;
      expiresAt = expiryOfValue(shape, fault.value, issuedAt, this.lifetimeMs);
    }
    const token = fault?.kind === 'no-access-token' ? undefined : this.options.registry.issue(expiresAt);
    const body = tokenResponseBody(shape, token, expiry);
    send(res, 200, body.text, { 'Content-Type': body.contentType, 'Cache-Control': 'no-store' });
  }

  /** Answers `fault` if it replaces the whole response; returns whether it did. */
  #sendTransportFault(res: ServerResponse, fault: TokenFault): boolean {
    switch (fault.kind) {
      case 'status': {
        const body =
          fault.body ?? JSON.stringify({ error: fault.status >= 500 ? 'server_error' : 'invalid_request' });
        let type = 'text/plain; charset=utf-8';
        try {
          JSON.parse(body);
          type = 'application/json';
        } catch {
          // not JSON: sent as text
        }
        send(res, fault.status, body, { 'Content-Type': type, ...fault.headers });
        return true;
      }
      case 'html':
        send(res, 200, '<!DOCTYPE html><html><body><h1>Gateway login</h1></body></html>', {
          'Content-Type': 'text/html; charset=utf-8',
        });
        return true;
      case 'invalid-json':
        send(res, 200, '{"access_token": "abc", "expires_in": ', { 'Content-Type': 'application/json' });
        return true;
      case 'empty':
        send(res, 200, '', { 'Content-Type': 'application/json' });
        return true;
      default:
        return false;
    }
  }
}
