import { runInNewContext } from 'node:vm';
import { isThenable } from '../src/thenable.js';

describe('isThenable', () => {
  it('knows promises of this realm, another realm, and any object or function with then', () => {
    const then = (): void => {};
    expect(isThenable(Promise.resolve(1))).toBe(true);
    expect(isThenable(runInNewContext('Promise.resolve(1)'))).toBe(true);
    expect(isThenable({ then })).toBe(true);
    expect(isThenable(Object.assign(() => {}, { then }))).toBe(true);
  });

  it('refuses everything else', () => {
    for (const value of [undefined, null, 0, 'then', true, {}, [], { then: 'soon' }, () => {}]) {
      expect(isThenable(value)).toBe(false);
    }
  });
});
