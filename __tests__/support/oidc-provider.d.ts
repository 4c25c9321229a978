// oidc-provider ships no types; the test server narrows what it uses.
declare module 'oidc-provider' {
  const Provider: unknown;
  export default Provider;
}
