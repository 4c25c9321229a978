import type { AxiosRequestTransformer, InternalAxiosRequestConfig } from 'axios';
import { isNodeReadable, isWebReadable } from './stream-body.js';

/**
 * Each request's body as the request interceptor saw it, before `transformRequest`. axios may turn
 * a value that can be sent twice into a stream that cannot: in Node, `postForm` (or a multipart
 * `Content-Type`) makes a plain object a `form-data` stream, which the first attempt consumes.
 */
const bodiesBefore = new WeakMap<InternalAxiosRequestConfig, object>();

/** Remembers the body of `config` before axios transforms it; called by the request interceptor. */
export function keepRequestBody(config: InternalAxiosRequestConfig): void {
  const data: unknown = config.data;
  if (data !== null && typeof data === 'object' && isReplayable(data)) bodiesBefore.set(config, data);
}

/**
 * Makes the body of `config` sendable once more: as it is, or built again from what it was before
 * `transformRequest` when that made it a stream. False when it cannot be sent again.
 */
export function readyForReplay(config: InternalAxiosRequestConfig): boolean {
  if (isReplayable(config.data)) return true;
  const before = bodiesBefore.get(config);
  if (before === undefined) return false;
  try {
    config.data = transformAgain(config, before);
  } catch {
    return false;
  }
  return true;
}

/** What axios' `transformData` does with a request's body, as each dispatch does. */
function transformAgain(config: InternalAxiosRequestConfig, data: unknown): unknown {
  const transforms = config.transformRequest;
  const list: AxiosRequestTransformer[] =
    transforms === undefined ? [] : Array.isArray(transforms) ? transforms : [transforms];
  return list.reduce<unknown>((body, transform) => transform.call(config, body, config.headers), data);
}

/**
 * A body that is a stream was consumed by the first attempt and cannot be sent again: a Node
 * `Readable`, a `ReadableStream`, or an async iterable (which fetch in Node sends as a stream).
 */
export function isReplayable(data: unknown): boolean {
  if (data === null || typeof data !== 'object') return true;
  if (isNodeReadable(data) || isWebReadable(data)) return false;
  return typeof (data as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] !== 'function';
}
