/** A Node `Readable` (an `IncomingMessage` with `responseType: 'stream'`, a request body stream). */
export interface NodeReadableLike {
  pipe(...args: never[]): unknown;
  destroy?: () => void;
}

/** A WHATWG `ReadableStream` (the fetch adapter's stream body, a fetch request body). */
export interface WebReadableLike {
  getReader(...args: never[]): unknown;
  cancel?: () => Promise<void>;
}

export function isNodeReadable(value: unknown): value is NodeReadableLike {
  return (
    value !== null && typeof value === 'object' && typeof (value as { pipe?: unknown }).pipe === 'function'
  );
}

export function isWebReadable(value: unknown): value is WebReadableLike {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { getReader?: unknown }).getReader === 'function'
  );
}
