import { AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';
import { pinMultipartBoundary } from '../src/multipart-boundary.js';

function configWith(data: unknown, contentType?: string): InternalAxiosRequestConfig {
  const headers = new AxiosHeaders();
  if (contentType !== undefined) headers.setContentType(contentType);
  return { headers, data } as InternalAxiosRequestConfig;
}

describe('pinMultipartBoundary', () => {
  it('names a boundary of its own for a FormData body without one, a new one each time', () => {
    const first = configWith(new FormData());
    const second = configWith(new FormData(), 'multipart/form-data');
    pinMultipartBoundary(first);
    pinMultipartBoundary(second);
    const pattern = /^multipart\/form-data; boundary=axios-token-flight-[0-9a-f]{32}$/;
    expect(first.headers.getContentType()).toMatch(pattern);
    expect(second.headers.getContentType()).toMatch(pattern);
    expect(first.headers.getContentType()).not.toBe(second.headers.getContentType());
  });

  it('keeps a boundary already named, whatever its case, so a replay sends the same one', () => {
    for (const type of ['multipart/form-data; boundary=abc', 'multipart/form-data; BOUNDARY=abc']) {
      const config = configWith(new FormData(), type);
      pinMultipartBoundary(config);
      expect(config.headers.getContentType()).toBe(type);
    }
    const config = configWith(new FormData());
    pinMultipartBoundary(config);
    const pinned = config.headers.getContentType();
    pinMultipartBoundary(config);
    expect(config.headers.getContentType()).toBe(pinned);
  });

  it('leaves every other body and its Content-Type alone', () => {
    const bodies: unknown[] = [
      undefined,
      null,
      '{"a":1}',
      new URLSearchParams('a=1'),
      { a: 1 },
      new Uint8Array(1),
      new Blob(['a']),
    ];
    for (const data of bodies) {
      const config = configWith(data, 'application/json');
      pinMultipartBoundary(config);
      expect(config.headers.getContentType()).toBe('application/json');
      const bare = configWith(data);
      pinMultipartBoundary(bare);
      expect(bare.headers.getContentType()).toBeUndefined();
    }
  });
});
