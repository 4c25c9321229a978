import { TokenRequestError } from '../src/errors.js';
import { FailureCooldown } from '../src/failure-cooldown.js';
import { countRetained } from './support/collect-garbage.js';

const refused = (status: number): TokenRequestError => new TokenRequestError({ providerKey: 'k', status });

describe('FailureCooldown', () => {
  let now = 0;
  const clock = (): number => now;
  beforeEach(() => {
    now = 1_000;
  });

  it.each([400, 401, 403])('answers with a %i for its duration, then lets callers through', (status) => {
    const cooldown = new FailureCooldown(2000, clock);
    const error = refused(status);
    cooldown.failed('k', error);
    expect(cooldown.active('k')?.error).toBe(error);
    now += 1999;
    expect(cooldown.active('k')?.error).toBe(error);
    now += 1;
    expect(cooldown.active('k')).toBeUndefined();
  });

  it('cools down after an insecure token URL too', () => {
    const cooldown = new FailureCooldown(2000, clock);
    cooldown.failed('k', new TokenRequestError({ providerKey: 'k', code: 'insecure_token_url' }));
    expect(cooldown.active('k')).toBeDefined();
  });

  it.each([
    ['a 500', refused(500)],
    ['a timeout', new TokenRequestError({ providerKey: 'k', code: 'timeout' })],
    ['a plain error', Object.assign(new Error('x'), { status: 401 })],
  ])('does not cool down after %s', (_, error) => {
    const cooldown = new FailureCooldown(2000, clock);
    cooldown.failed('k', error);
    expect(cooldown.active('k')).toBeUndefined();
  });

  it('remembers nothing with a duration of 0 (the default of the manager)', () => {
    const cooldown = new FailureCooldown(0, clock);
    cooldown.failed('k', refused(401));
    expect(cooldown.active('k')).toBeUndefined();
  });

  it('is per key, ended by a success, and cleared by clear()', () => {
    const cooldown = new FailureCooldown(2000, clock);
    cooldown.failed('a', refused(401));
    cooldown.failed('b', refused(401));
    expect(cooldown.active('c')).toBeUndefined();
    cooldown.succeeded('a');
    expect(cooldown.active('a')).toBeUndefined();
    expect(cooldown.active('b')).toBeDefined();
    cooldown.clear();
    expect(cooldown.active('b')).toBeUndefined();
  });

  it('ends when the clock is stepped back, instead of lasting as long as the step', () => {
    const cooldown = new FailureCooldown(2000, clock);
    cooldown.failed('k', refused(401));
    expect(cooldown.active('k')).toBeDefined();
    // NTP or a user sets the clock back an hour: the error must not be answered for an hour.
    now -= 3_600_000;
    expect(cooldown.active('k')).toBeUndefined();
  });
});

describe('FailureCooldown and Retry-After', () => {
  let now = 0;
  const clock = (): number => now;
  beforeEach(() => {
    now = 1_000;
  });
  const limited = (status: number, retryAfter: string): TokenRequestError =>
    new TokenRequestError({
      providerKey: 'k',
      status,
      response: { status, headers: { 'retry-after': retryAfter }, body: '' },
    });

  it.each([429, 503, 408])('holds callers off until the Retry-After of a %i', (status) => {
    const cooldown = new FailureCooldown(2000, clock);
    const error = limited(status, '60');
    cooldown.failed('k', error);
    now += 59_999;
    expect(cooldown.active('k')?.error).toBe(error);
    now += 1;
    expect(cooldown.active('k')).toBeUndefined();
  });

  it('stays opt-in: with no duration set, a Retry-After is not remembered', () => {
    const cooldown = new FailureCooldown(0, clock);
    cooldown.failed('k', limited(429, '60'));
    expect(cooldown.active('k')).toBeUndefined();
  });

  it('ignores a Retry-After on a credentials failure, which cools down for the duration', () => {
    const cooldown = new FailureCooldown(2000, clock);
    cooldown.failed('k', limited(401, '60'));
    now += 2000;
    expect(cooldown.active('k')).toBeUndefined();
  });
});

describe('FailureCooldown with keys used once', () => {
  /** Records a credentials failure for `key`, and returns a weak reference to its error. */
  const failOnce = (cooldown: FailureCooldown, key: string): WeakRef<object> => {
    const error = new TokenRequestError({ providerKey: key, status: 401 });
    cooldown.failed(key, error);
    return new WeakRef(error);
  };

  it('does not keep the ended cool-downs of keys nobody asks for again', async () => {
    let now = 1_000;
    const cooldown = new FailureCooldown(2000, () => now);
    const refs = Array.from({ length: 1023 }, (_, i) => failOnce(cooldown, `k${i}`));
    now += 2000;
    failOnce(cooldown, 'last');
    expect(cooldown.active('last')).toBeDefined();
    expect(await countRetained(refs)).toBe(0);
  });
});
