import { AxiosError, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { TokenRequestError } from '../src/errors.js';
import { brokeOff, fromTransportError, timedOut } from '../src/transport-failure.js';

const REQUEST = { providerKey: 'p', tokenUrl: 'https://auth.example.com/token', secrets: ['s3cr3t-value'] };

function answer(status: number, data?: unknown): AxiosResponse {
  return { status, statusText: '', headers: {}, data, config: {} as InternalAxiosRequestConfig };
}

function axiosError(code: string, options: { response?: AxiosResponse; cause?: unknown } = {}): AxiosError {
  const error = new AxiosError('failed', code, undefined, undefined, options.response);
  if (options.cause !== undefined) Object.defineProperty(error, 'cause', { value: options.cause });
  return error;
}

function failedWith(failure: { error: unknown }): TokenRequestError {
  expect(failure.error).toBeInstanceOf(TokenRequestError);
  return failure.error as TokenRequestError;
}

describe('fromTransportError', () => {
  it.each(['ECONNABORTED', 'ETIMEDOUT'])('reads axios %s as a timeout, worth retrying', (code) => {
    const failure = fromTransportError(axiosError(code), REQUEST, 250);
    expect(failure.retryable).toBe(true);
    expect(failedWith(failure)).toMatchObject({ code: 'timeout', description: 'no answer within 250 ms' });
  });

  it('reads an answer refused without a response as too large, with the status Node kept', () => {
    const error = Object.assign(axiosError('ERR_BAD_RESPONSE'), { request: { res: { statusCode: 200 } } });
    const failure = fromTransportError(error, REQUEST, 250);
    expect(failure.retryable).toBe(false);
    expect(failedWith(failure)).toMatchObject({ status: 200, code: 'invalid_token_response' });
  });

  it('reads an answer refused without a response, and no status kept, as too large without a status', () => {
    const failure = fromTransportError(axiosError('ERR_BAD_RESPONSE'), REQUEST, 250);
    expect(failedWith(failure)).toMatchObject({ status: undefined, code: 'invalid_token_response' });
  });

  it('reads an error that is no axios error as a network error worth retrying, with it as the cause', () => {
    const thrown = new TypeError('an interceptor of the given instance broke');
    const failure = fromTransportError(thrown, REQUEST, 250);
    expect(failure.retryable).toBe(true);
    expect(failedWith(failure)).toMatchObject({ code: 'network_error', status: undefined, cause: thrown });
  });

  it('reads a success whose body broke off as a network error with its status, worth retrying', () => {
    const failure = fromTransportError(
      axiosError('ERR_BAD_RESPONSE', { response: answer(200) }),
      REQUEST,
      250,
    );
    expect(failure.retryable).toBe(true);
    expect(failedWith(failure)).toMatchObject({
      status: 200,
      code: 'network_error',
      description: 'the answer broke off before its body was complete',
    });
  });

  it("names the system's code, else axios' own, but not the generic ERR_NETWORK", () => {
    const refused = axiosError('ERR_NETWORK', {
      cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
    });
    expect(failedWith(fromTransportError(refused, REQUEST, 250)).description).toBe('ECONNREFUSED');
    expect(
      failedWith(fromTransportError(axiosError('ERR_FR_TOO_MANY_REDIRECTS'), REQUEST, 250)).description,
    ).toBe('ERR_FR_TOO_MANY_REDIRECTS');
    expect(
      failedWith(fromTransportError(axiosError('ERR_NETWORK'), REQUEST, 250)).description,
    ).toBeUndefined();
  });

  it('does not retry a certificate Node rejected, but does retry a reset connection', () => {
    const rejected = axiosError('ERR_NETWORK', {
      cause: Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' }),
    });
    expect(fromTransportError(rejected, REQUEST, 250).retryable).toBe(false);
    const reset = axiosError('ERR_NETWORK', {
      cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    });
    expect(fromTransportError(reset, REQUEST, 250).retryable).toBe(true);
  });

  it('does not retry a request that was cancelled', () => {
    expect(fromTransportError(axiosError('ERR_CANCELED'), REQUEST, 250).retryable).toBe(false);
  });

  it('keeps the secrets out of the error it makes', () => {
    const error = axiosError('ERR_NETWORK', { cause: new Error('sent s3cr3t-value') });
    const made = failedWith(fromTransportError(error, REQUEST, 250));
    expect(JSON.stringify(made) + String(made.stack) + String((made.cause as Error).message)).not.toContain(
      's3cr3t-value',
    );
  });
});

describe('brokeOff', () => {
  it('is a success whose body never arrived', () => {
    expect(brokeOff(answer(200))).toBe(true);
    expect(brokeOff(answer(204))).toBe(true);
  });

  it('is not a success with a body, even an empty one, nor any other status', () => {
    expect(brokeOff(answer(200, ''))).toBe(false);
    expect(brokeOff(answer(503))).toBe(false);
    expect(brokeOff(answer(400))).toBe(false);
  });

  it('is a success axios settled over HTTP/2 with the stream reset half-way', () => {
    expect(brokeOff({ ...answer(200, '{"access'), request: { rstCode: 8 } })).toBe(true);
    expect(brokeOff({ ...answer(200, '{}'), request: { rstCode: 0 } })).toBe(false);
    expect(brokeOff({ ...answer(401, '{}'), request: { rstCode: 8 } })).toBe(false);
  });
});

describe('timedOut', () => {
  it('is a timeout naming the time it waited, worth retrying, with its cause', () => {
    const cause = new Error('aborted');
    const failure = timedOut(cause, REQUEST, 300);
    expect(failure.retryable).toBe(true);
    expect(failedWith(failure)).toMatchObject({ code: 'timeout', description: 'no answer within 300 ms' });
    expect(failedWith(failure).cause).toMatchObject({ message: 'aborted' });
  });
});
