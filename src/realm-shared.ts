/**
 * One value per JavaScript realm, shared by every copy of this package's modules in it: an app that
 * loads both the ESM and the CommonJS build (one part `import`s the package, another `require`s it)
 * still gets one default manager and one record of attached instances. Created on first use.
 */
export function realmShared<T>(name: string, create: () => T): T {
  // Versioned, so that a future copy with another shape of the value never picks this one up.
  const key = Symbol.for(`axios-token-flight/${name}@1`);
  const realm = globalThis as { [key: symbol]: unknown };
  if (!(key in realm)) {
    Object.defineProperty(realm, key, { value: create(), enumerable: false, configurable: true });
  }
  return realm[key] as T;
}
