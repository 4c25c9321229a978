import { TokenRequestError } from '../../src/errors.js';

/** Awaits `promise`, expects it to reject with a TokenRequestError, and returns that error. */
export async function expectTokenRequestError(promise: Promise<unknown>): Promise<TokenRequestError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenRequestError);
  return error as TokenRequestError;
}
