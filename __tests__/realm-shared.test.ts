import { realmShared } from '../src/realm-shared.js';

describe('realmShared', () => {
  it('creates a value once per name and hands the same one back', () => {
    const create = jest.fn(() => ({ made: Math.random() }));
    const name = `test-${Math.random()}`;
    const first = realmShared(name, create);
    expect(realmShared(name, create)).toBe(first);
    expect(create).toHaveBeenCalledTimes(1);
    expect(realmShared(`${name}-other`, () => ({ made: 0 }))).not.toBe(first);
  });

  it('keeps it on the realm under a versioned registered symbol, not enumerable', () => {
    const name = `test-${Math.random()}`;
    const value = realmShared(name, () => ['x']);
    expect((globalThis as Record<symbol, unknown>)[Symbol.for(`axios-token-flight/${name}@1`)]).toBe(value);
    expect(Object.keys(globalThis)).not.toContain(name);
    expect(JSON.stringify(Object.entries(globalThis).map(([key]) => key))).not.toContain(
      'axios-token-flight',
    );
  });

  it('is shared by separate copies of the module (as the ESM and CommonJS builds are)', () => {
    let copy: typeof import('../src/realm-shared.js') | undefined;
    jest.isolateModules(() => {
      copy = jest.requireActual<typeof import('../src/realm-shared.js')>('../src/realm-shared.js');
    });
    expect(copy?.realmShared).not.toBe(realmShared);
    const name = `test-${Math.random()}`;
    expect(copy?.realmShared(name, () => ({ from: 'copy' }))).toBe(
      realmShared(name, () => ({ from: 'here' })),
    );
  });
});
