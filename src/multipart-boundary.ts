import type { InternalAxiosRequestConfig } from 'axios';
import { randomHex } from './random-uuid.js';

/**
 * axios draws a new multipart boundary each time it sends a `FormData` (in Node), so a replay would
 * not be byte-identical; a boundary named in `Content-Type` is reused. Browsers set their own.
 * Called at dispatch, after `transformRequest`: a `FormData` it turned into JSON or a form-encoded
 * string is no longer multipart, and keeps the `Content-Type` it was given.
 */
export function pinMultipartBoundary(config: InternalAxiosRequestConfig): void {
  const data: unknown = config.data;
  if (typeof data !== 'object' || data === null) return;
  if (typeof FormData === 'undefined' || !(data instanceof FormData)) return;
  const contentType = config.headers.getContentType();
  if (typeof contentType === 'string' && /boundary=/i.test(contentType)) return;
  const boundary = `axios-token-flight-${randomHex(16)}`;
  config.headers.setContentType(`multipart/form-data; boundary=${boundary}`);
}
