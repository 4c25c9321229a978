// Bundled by esbuild and started as a dedicated, shared or service worker: the page calls `client` by messages.
import { client, type Method } from './worker-client.js';

interface Call {
  id: number;
  method: Method;
  args: unknown[];
}

interface Port {
  postMessage(message: unknown): void;
  onmessage: ((event: MessageEvent<Call>) => void) | null;
}

function serve(port: Port): void {
  port.onmessage = (event) => {
    const { id, method, args } = event.data;
    // A service worker answers the page that asked (`event.source`); the others answer on their port.
    const to = (event.source as Port | null) ?? port;
    Promise.resolve()
      .then(() => (client[method] as (...values: unknown[]) => unknown)(...args))
      .then(
        (result) => to.postMessage({ id, result }),
        (error: unknown) => to.postMessage({ id, error: String(error) }),
      );
  };
}

const scope = globalThis as unknown as Port & { onconnect?: unknown };
if ('onconnect' in scope) {
  scope.onconnect = (event: MessageEvent) => serve(event.ports[0] as unknown as Port);
} else {
  serve(scope);
}
