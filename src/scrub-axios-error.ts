import axios, { type AxiosError } from 'axios';
import type { RequestTokenState } from './request-token-state.js';
import { isNodeReadable } from './stream-body.js';

/**
 * Takes the token this library attached out of an axios error before the application sees it:
 * the header leaves `error.config.headers` (a replay of `error.config`, as axios-retry does, gets a
 * fresh token from the interceptor), and the Node `ClientRequest` / XHR, whose raw header text holds
 * the token, stays readable as `error.request` (and a streamed body's `req`) but out of
 * `JSON.stringify` and `util.inspect`.
 */
export function scrubAxiosError(error: Partial<AxiosError>, header: string, state: RequestTokenState): void {
  // axios' fetch adapter (1.7 to 1.12) rethrows the error `settle` made as the `cause` of a copy:
  // that one's `request` is the fetch `Request`, whose headers `util.inspect` prints.
  let cause: unknown = error.cause;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && axios.isAxiosError(cause) && cause !== error; depth += 1) {
    scrubOne(cause, header, state);
    cause = cause.cause;
  }
  scrubOne(error, header, state);
}

const MAX_CAUSE_DEPTH = 4;

function scrubOne(error: Partial<AxiosError>, header: string, state: RequestTokenState): void {
  const headers = error.config?.headers;
  if (headers !== undefined && state.isOwnHeader(headers.get(header))) headers.delete(header);
  hide(error, 'request');
  if (error.response === undefined) return;
  hide(error.response, 'request');
  // A `responseType: 'stream'` body in Node is the `IncomingMessage`: that request is its `req`,
  // and, while the body is unread, the `_httpMessage` of its `socket` (also named `client`).
  const body: unknown = error.response.data;
  if (isNodeReadable(body)) for (const property of ['req', 'socket', 'client']) hide(body, property);
}

/**
 * Makes `property` a non-enumerable accessor: `util.inspect` with `showHidden` would print a hidden
 * data property in full, but shows an accessor only as `[Getter/Setter]`.
 */
function hide(target: object, property: string): void {
  const descriptor = Object.getOwnPropertyDescriptor(target, property);
  if (descriptor === undefined || descriptor.configurable === false || !('value' in descriptor)) return;
  let value: unknown = descriptor.value;
  Object.defineProperty(target, property, {
    get: () => value,
    set: (next: unknown) => {
      value = next;
    },
    enumerable: false,
    configurable: true,
  });
}
