import type { ServerResponse } from 'node:http';
import { send, type RecordedRequest } from './loopback-server.js';
import type { TokenRegistry } from './token-registry.js';

/** A failure the protected API simulates for every request until cleared. */
export type ApiFault = 'always-401' | '403';

export interface ProtectedApiOptions {
  registry: TokenRegistry;
  delayMs: number;
  later: (ms: number, fn: () => void) => void;
  onRequest: (request: RecordedRequest) => void;
  /** Called for every 401; `expired` when the token was issued here but is past its server-side expiry. */
  onUnauthorized: (expired: boolean) => void;
}

const BEARER = /^bearer\s+(\S+)\s*$/i;

/**
 * The resource server under `/api`: any method; a valid Bearer token gets
 * `200 { ok, path, method, body }`, anything else a 401 with `WWW-Authenticate`.
 * `/api/redirect?to=<url>` answers 302 to `to` without checking the token.
 */
export class ProtectedApi {
  delayMs: number;
  fault: ApiFault | null = null;

  constructor(private readonly options: ProtectedApiOptions) {
    this.delayMs = options.delayMs;
  }

  handle(res: ServerResponse, recorded: RecordedRequest): void {
    this.options.onRequest(recorded);
    const answer = (): void => this.#answer(res, recorded);
    if (this.delayMs > 0) this.options.later(this.delayMs, answer);
    else answer();
  }

  #answer(res: ServerResponse, recorded: RecordedRequest): void {
    if (recorded.path === '/api/redirect') {
      const to = recorded.query['to'];
      if (!to) return send(res, 400, { error: 'missing to' });
      return send(res, 302, { redirect: to }, { Location: to });
    }
    if (this.fault === '403') {
      return send(
        res,
        403,
        { error: 'insufficient_scope' },
        { 'WWW-Authenticate': 'Bearer error="insufficient_scope"' },
      );
    }
    const token = BEARER.exec(recorded.headers['authorization'] ?? '')?.[1];
    const status =
      this.fault === 'always-401' || token === undefined ? 'unknown' : this.options.registry.status(token);
    if (status === 'expired') {
      this.options.onUnauthorized(true);
      return send(
        res,
        401,
        { error: 'invalid_token', error_description: 'The access token expired' },
        { 'WWW-Authenticate': 'Bearer error="invalid_token", error_description="The access token expired"' },
      );
    }
    if (status === 'unknown') {
      this.options.onUnauthorized(false);
      return send(
        res,
        401,
        { error: 'invalid_token' },
        { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
      );
    }
    send(res, 200, { ok: true, path: recorded.path, method: recorded.method, body: recorded.body });
  }
}
