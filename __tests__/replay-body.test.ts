import { Readable } from 'node:stream';
import { AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';
import { isReplayable, keepRequestBody, readyForReplay } from '../src/replay-body.js';

function request(data: unknown, transformRequest?: InternalAxiosRequestConfig['transformRequest']) {
  return { headers: new AxiosHeaders(), data, transformRequest } as InternalAxiosRequestConfig;
}

describe('replay bodies', () => {
  it('tells the bodies a first attempt consumes', () => {
    expect(isReplayable('text')).toBe(true);
    expect(isReplayable(Buffer.from('x'))).toBe(true);
    expect(isReplayable(new FormData())).toBe(true);
    expect(isReplayable(Readable.from(['x']))).toBe(false);
    expect(isReplayable(new ReadableStream())).toBe(false);
    expect(isReplayable((async function* () {})())).toBe(false);
  });

  it('builds a body transformRequest made a stream again from what it was before', () => {
    const toStream = jest.fn((data: unknown) => Readable.from([JSON.stringify(data)]));
    const config = request({ a: 1 }, [toStream]);
    keepRequestBody(config);
    config.data = toStream.call(config, config.data);
    const consumed: unknown = config.data;
    expect(readyForReplay(config)).toBe(true);
    expect(config.data).not.toBe(consumed);
    expect(isReplayable(config.data)).toBe(false);
    expect(toStream).toHaveBeenLastCalledWith({ a: 1 }, config.headers);
  });

  it('leaves a body that can be sent again as it is, and gives up on a stream it did not see built', () => {
    const text = request('as sent');
    expect(readyForReplay(text)).toBe(true);
    expect(text.data).toBe('as sent');
    expect(readyForReplay(request(Readable.from(['x'])))).toBe(false);
  });

  it('gives up when transformRequest throws the second time', () => {
    let calls = 0;
    const once = (): Readable => {
      calls += 1;
      if (calls > 1) throw new Error('no second time');
      return Readable.from(['x']);
    };
    const config = request({ a: 1 }, once);
    keepRequestBody(config);
    config.data = once();
    expect(readyForReplay(config)).toBe(false);
  });
});
