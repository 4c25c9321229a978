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
  return hasMethod(value, 'pipe');
}

export function isWebReadable(value: unknown): value is WebReadableLike {
  return hasMethod(value, 'getReader');
}

function hasMethod(value: unknown, name: string): boolean {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as Record<string, unknown>)[name] === 'function'
  );
}
