// Bundled by esbuild and run in Chromium: the test drives the page and its workers through `window.atfw`.
import { client, type Method } from './worker-client.js';

export type WorkerKind = 'dedicated' | 'module' | 'shared' | 'service';

interface Reply {
  id: number;
  result?: unknown;
  error?: string;
}

interface Peer {
  call(method: Method, args: unknown[]): Promise<unknown>;
  terminate(): void;
}

const peers = new Map<string, Peer>();
const errors: string[] = [];
let nextId = 0;

/** Calls over `target`; replies come through `listen`. */
function connect(
  target: { postMessage(message: unknown): void },
  listen: (handler: (reply: Reply) => void) => void,
  end: () => void,
): Peer {
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  listen((reply) => {
    const call = pending.get(reply.id);
    if (call === undefined) return;
    pending.delete(reply.id);
    if (reply.error === undefined) call.resolve(reply.result);
    else call.reject(new Error(reply.error));
  });
  return {
    call(method, args) {
      nextId += 1;
      const id = nextId;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        target.postMessage({ id, method, args });
      });
    },
    terminate() {
      end();
      for (const call of pending.values()) call.reject(new Error('terminated'));
      pending.clear();
    },
  };
}

async function start(name: string, kind: WorkerKind): Promise<Peer> {
  const onReply = (handler: (reply: Reply) => void) => (event: MessageEvent<Reply>) => handler(event.data);
  if (kind === 'service') {
    const registration = await navigator.serviceWorker.register('/worker.js', { scope: '/' });
    const worker = registration.active ?? (await navigator.serviceWorker.ready).active!;
    return connect(
      worker,
      (handler) => navigator.serviceWorker.addEventListener('message', onReply(handler)),
      () => void registration.unregister(),
    );
  }
  if (kind === 'shared') {
    const worker = new SharedWorker('/worker.js', { name });
    worker.onerror = () => errors.push(`${name}: shared worker failed`);
    worker.port.start();
    return connect(
      worker.port,
      (handler) => worker.port.addEventListener('message', onReply(handler)),
      () => worker.port.close(),
    );
  }
  const worker = new Worker('/worker.js', { name, type: kind === 'module' ? 'module' : 'classic' });
  worker.onerror = (event) => errors.push(`${name}: ${event.message}`);
  return connect(
    worker,
    (handler) => worker.addEventListener('message', onReply(handler)),
    () => worker.terminate(),
  );
}

const atfw = {
  /** Starts (or, for a shared worker, connects to) the worker `name`; resolves once it answers. */
  async spawn(name: string, kind: WorkerKind = 'dedicated'): Promise<void> {
    const peer = await start(name, kind);
    peers.set(name, peer);
    await peer.call('env', []);
  },
  /** Calls `method` in the worker `name`, or in this page for `'page'`. */
  call(name: string, method: Method, args: unknown[] = []): Promise<unknown> {
    if (name === 'page') {
      // On a task of the page's own: code run by the test's evaluate is exempt from the CSP.
      return new Promise((resolve) => setTimeout(resolve, 0)).then(() =>
        (client[method] as (...values: unknown[]) => unknown)(...args),
      );
    }
    const peer = peers.get(name);
    if (peer === undefined) return Promise.reject(new Error(`no worker ${name}`));
    return peer.call(method, args);
  },
  /** `worker.terminate()`: the worker stops at once, in the middle of whatever it does. */
  terminate(name: string): void {
    peers.get(name)?.terminate();
    peers.delete(name);
  },
  /** The page and every worker still running. */
  names(): string[] {
    return ['page', ...peers.keys()];
  },
  errors(): string[] {
    return [...errors];
  },
};

declare global {
  interface Window {
    atfw: typeof atfw;
  }
}

window.atfw = atfw;
