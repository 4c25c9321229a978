import {
  createServer,
  type Http2Server,
  type IncomingHttpHeaders,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from 'node:http2';
import type { AddressInfo } from 'node:net';

/** A request as the HTTP/2 server saw it. */
export interface Http2Request {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Answers a request; the body was read before it is called. */
export type Http2Handler = (stream: ServerHttp2Stream, request: Http2Request) => void;

export interface Http2LoopbackServer {
  /** `http://127.0.0.1:PORT` (cleartext HTTP/2, which axios' `httpVersion: 2` speaks to an `http:` URL) */
  url: string;
  requests: Http2Request[];
  handler: Http2Handler;
  close(): Promise<void>;
}

/** Writes a JSON (or, given a string, plain text) answer. */
export function respond(stream: ServerHttp2Stream, status: number, body: unknown): void {
  if (stream.destroyed || stream.headersSent) return;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  stream.respond({ ':status': status, 'content-type': type });
  stream.end(text);
}

/** Starts a cleartext HTTP/2 server on 127.0.0.1 and an ephemeral port; `handler` can be swapped. */
export async function startHttp2Server(handler: Http2Handler): Promise<Http2LoopbackServer> {
  const sessions = new Set<ServerHttp2Session>();
  const server: Http2Server = createServer();
  const state: Http2LoopbackServer = {
    url: '',
    requests: [],
    handler,
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  server.on('stream', (stream, headers) => {
    // A client that resets its stream (an abort, a released 401 body) is no server error.
    stream.on('error', () => {});
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const request: Http2Request = {
        method: String(headers[':method']),
        path: String(headers[':path']),
        headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      state.requests.push(request);
      state.handler(stream, request);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
