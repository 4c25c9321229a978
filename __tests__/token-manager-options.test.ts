import { checkManagerOptions, type TokenManagerOptions } from '../src/token-manager-options.js';
import { MemoryTokenStore } from '../src/memory-token-store.js';

const refused = (message: RegExp) =>
  expect.objectContaining({
    name: 'TokenAuthConfigError',
    code: 'invalid_options',
    message: expect.stringMatching(message),
  });

const DURATIONS = [
  'refreshSkewMs',
  'minValidityMs',
  'defaultTtlMs',
  'maxTtlMs',
  'failureCooldownMs',
] as const;

describe('checkManagerOptions', () => {
  it('accepts no options, every option left undefined, and every option set', () => {
    const all: TokenManagerOptions = {
      refreshSkewMs: 30_000,
      minValidityMs: 1_000,
      defaultTtlMs: 300_000,
      maxTtlMs: 3_600_000,
      failureCooldownMs: 5_000,
      store: new MemoryTokenStore(),
      onEvent: () => undefined,
      now: Date.now,
    };
    const unset = Object.fromEntries(Object.keys(all).map((name) => [name, undefined]));
    for (const options of [{}, unset, all]) expect(() => checkManagerOptions(options)).not.toThrow();
  });

  it.each(DURATIONS)('accepts %s of 0 and of Infinity', (name) => {
    expect(() => checkManagerOptions({ [name]: 0 })).not.toThrow();
    expect(() => checkManagerOptions({ [name]: Number.POSITIVE_INFINITY })).not.toThrow();
  });

  it.each(DURATIONS)(
    'refuses %s as NaN, negative or not a number, which would serve an expired token forever',
    (name) => {
      for (const value of [Number.NaN, -1, '60000', null, 60_000n]) {
        expect(() => checkManagerOptions({ [name]: value as number })).toThrow(
          refused(new RegExp(`^TokenManager ${name} must be a number of milliseconds`)),
        );
      }
    },
  );

  it.each(['now', 'onEvent'] as const)('refuses %s that is no function', (name) => {
    for (const value of [5, 'log', {}, null]) {
      expect(() => checkManagerOptions({ [name]: value as never })).toThrow(
        refused(new RegExp(`^TokenManager ${name} must be a function`)),
      );
    }
  });

  it('refuses a store without get, set and delete, and takes any object that has them', () => {
    const methods = { get: () => undefined, set: () => undefined, delete: () => undefined };
    for (const store of [{}, null, { get: methods.get }, { ...methods, delete: 'no' }]) {
      expect(() => checkManagerOptions({ store: store as never })).toThrow(
        refused(/store must have get, set and delete/),
      );
    }
    expect(() => checkManagerOptions({ store: methods })).not.toThrow();
  });
});
