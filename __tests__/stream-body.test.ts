import { Readable } from 'node:stream';
import { isNodeReadable, isWebReadable } from '../src/stream-body.js';

describe('isNodeReadable', () => {
  it('knows a Node Readable, and any object that pipes', () => {
    expect(isNodeReadable(Readable.from(['a']))).toBe(true);
    expect(isNodeReadable({ pipe: () => undefined })).toBe(true);
  });

  it('refuses what does not pipe', () => {
    for (const value of [null, undefined, 'text', 1, {}, { pipe: 'no' }, new ReadableStream(), [1]]) {
      expect(isNodeReadable(value)).toBe(false);
    }
  });
});

describe('isWebReadable', () => {
  it('knows a ReadableStream, and any object with a reader', () => {
    expect(isWebReadable(new ReadableStream())).toBe(true);
    expect(isWebReadable(new Response('a').body)).toBe(true);
    expect(isWebReadable({ getReader: () => undefined })).toBe(true);
  });

  it('refuses what has no reader', () => {
    for (const value of [null, undefined, 'text', 1, {}, { getReader: 1 }, Readable.from(['a'])]) {
      expect(isWebReadable(value)).toBe(false);
    }
  });
});
