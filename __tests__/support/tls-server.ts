import { createServer, type Server } from 'node:https';
import { listenOnLoopback } from './loopback-server.js';
import type { Issued } from './tls-certificates.js';

/** An HTTPS token server on 127.0.0.1 that answers every request with a token. */
export interface TlsTokenServer {
  /** `https://127.0.0.1:PORT` */
  url: string;
  port: number;
  server: Server;
  /** TCP connections accepted so far: one per attempt, whether or not its handshake succeeded. */
  connections(): number;
  close(): Promise<void>;
}

export async function startTlsTokenServer(credentials: Issued): Promise<TlsTokenServer> {
  const server = createServer({ cert: credentials.cert, key: credentials.key }, (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: 'tls-token', token_type: 'Bearer', expires_in: 300 }));
    });
  });
  let connections = 0;
  server.on('connection', () => {
    connections += 1;
  });
  // A client that rejects the certificate aborts the handshake; that is expected here.
  server.on('tlsClientError', () => undefined);
  const port = await listenOnLoopback(server);
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    server,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
