import { gzipSync } from 'node:zlib';
import type { ServerResponse } from 'node:http';
import { send, startLoopbackServer, type LoopbackServer, type RecordedRequest } from './loopback-server.js';

/** The ways a token endpoint (or what stands in front of it) answers badly, as a path names them. */
export const FAILING_ANSWERS = {
  close: (res: ServerResponse) => res.socket?.destroy(),
  'not-found': (res: ServerResponse) =>
    send(res, 404, '<html><body><h1>Not Found</h1></body></html>', { 'content-type': 'text/html' }),
  'login-redirect': (res: ServerResponse) =>
    send(res, 302, '<a href="/login">Found</a>', {
      location: '/sso/login?next=%2Ftoken&session=abc',
      'content-type': 'text/html',
    }),
  'login-page': (res: ServerResponse) =>
    send(res, 200, '<!doctype html><html><title>Sign in</title><form></form></html>', {
      'content-type': 'text/html; charset=utf-8',
    }),
  'basic-challenge': (res: ServerResponse) => {
    res.writeHead(401, { 'www-authenticate': 'Basic realm="token"', 'content-length': 0 });
    res.end();
  },
  'invalid-scope': (res: ServerResponse) =>
    send(res, 400, { error: 'invalid_scope', error_description: 'scope "reports" is not allowed' }),
  'rate-limited': (res: ServerResponse) => send(res, 429, '', { 'retry-after': '120' }),
  'numeric-token': (res: ServerResponse) => send(res, 200, { access_token: 12345, expires_in: 300 }),
  'huge-expiry': (res: ServerResponse) => send(res, 200, { access_token: 'long-lived', expires_in: 1e300 }),
  'broken-gzip': (res: ServerResponse) => {
    const body = gzipSync(JSON.stringify({ access_token: 'never-read' })).subarray(3);
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    res.end(body);
  },
} as const;

export type FailingAnswer = keyof typeof FAILING_ANSWERS | 'unavailable-once';

/** A loopback token server answering `/{answer}/token` as {@link FAILING_ANSWERS} says. */
export interface FailingTokenServer extends LoopbackServer {
  readonly requests: RecordedRequest[];
  tokenUrl(answer: FailingAnswer): string;
}

export async function startFailingTokenServer(): Promise<FailingTokenServer> {
  const requests: RecordedRequest[] = [];
  const server = await startLoopbackServer((_req, res, recorded) => {
    requests.push(recorded);
    const answer = recorded.path.split('/')[1] ?? '';
    if (answer === 'unavailable-once') {
      const seen = requests.filter((request) => request.path === recorded.path).length;
      if (seen === 1) return send(res, 503, 'Service Unavailable');
      return send(res, 200, { access_token: 'after-503', expires_in: 300 });
    }
    const reply = (FAILING_ANSWERS as Record<string, (res: ServerResponse) => void>)[answer];
    if (reply === undefined) return send(res, 500, 'unknown answer');
    reply(res);
  });
  return Object.assign(server, {
    requests,
    tokenUrl: (answer: FailingAnswer) => `${server.url}/${answer}/token`,
  });
}
