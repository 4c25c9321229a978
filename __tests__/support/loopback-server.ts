import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';

// Captured at load time so that tests using jest fake timers do not freeze the servers' clock.
const realNow = Date.now.bind(Date);
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

/** A request as the server saw it: what tests inspect to check the bytes a client sent. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Query parameters, decoded (the last value wins when one repeats). */
  query: Record<string, string>;
  /** Header names lower-cased; repeated headers joined by `, `. */
  headers: Record<string, string>;
  /** The raw request body as text. */
  body: string;
  /** Epoch ms (real clock) when the body was fully read. */
  at: number;
}

export type RequestHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  recorded: RecordedRequest,
) => void | Promise<void>;

export interface LoopbackServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  server: Server;
  /** Runs `fn` after `ms` real milliseconds unless the server closes first. */
  later(ms: number, fn: () => void): void;
  close(): Promise<void>;
}

export function realClock(): number {
  return realNow();
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function record(req: IncomingMessage, body: string): RecordedRequest {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers,
    body,
    at: realNow(),
  };
}

/** Writes a JSON (or, given a string, verbatim) body with its Content-Type and Content-Length. */
export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed || res.headersSent) return;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  const all: Record<string, string | number> = { 'content-type': type };
  for (const [name, value] of Object.entries(headers)) all[name.toLowerCase()] = value;
  all['content-length'] = Buffer.byteLength(text);
  res.writeHead(status, all);
  res.end(text);
}

/** Listens on 127.0.0.1 and an ephemeral port, which it resolves to; rejects if the server cannot listen. */
export async function listenOnLoopback(server: NetServer): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Starts a node:http server on 127.0.0.1 and an ephemeral port; every request body is read before `handler`. */
export async function startLoopbackServer(handler: RequestHandler): Promise<LoopbackServer> {
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const server = createServer((req, res) => {
    readBody(req).then(
      (body) =>
        Promise.resolve(handler(req, res, record(req, body))).catch((error: unknown) => {
          send(res, 500, { error: 'server_error', error_description: String(error) });
        }),
      () => res.destroy(),
    );
  });
  const port = await listenOnLoopback(server);
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    later(ms, fn) {
      if (closed) return;
      const timer = realSetTimeout(() => {
        timers.delete(timer);
        fn();
      }, ms);
      timers.add(timer);
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const timer of timers) realClearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
