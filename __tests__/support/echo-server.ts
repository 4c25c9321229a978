import { send, startLoopbackServer, type RecordedRequest } from './loopback-server.js';

export interface EchoServerOptions {
  /** Permissive CORS, as for the lab (default false). */
  cors?: boolean;
}

export interface EchoServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Every request received, in order (headers lower-cased). */
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * A second origin that answers every request with `200 { ok, path, method, headers }` and records it:
 * tests use it to prove an `Authorization` header never reaches another origin.
 */
export async function startEchoServer(options: EchoServerOptions = {}): Promise<EchoServer> {
  const requests: RecordedRequest[] = [];
  const loopback = await startLoopbackServer((_req, res, recorded) => {
    requests.push(recorded);
    const cors: Record<string, string> = options.cors
      ? {
          'Access-Control-Allow-Origin': '*',
          'Access-Control-Allow-Headers': 'Authorization, Content-Type, RqUID',
          'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
        }
      : {};
    if (options.cors && recorded.method === 'OPTIONS') return send(res, 204, '', cors);
    send(
      res,
      200,
      { ok: true, path: recorded.path, method: recorded.method, headers: recorded.headers },
      cors,
    );
  });
  return { url: loopback.url, requests, close: () => loopback.close() };
}
