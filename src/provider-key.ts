/**
 * A derived cache key: `kind:` then the settings that make tokens differ, joined by `#`. Each part
 * has `%` and `#` percent-encoded, so no two different settings join to the same key (a client id
 * `a#b` with scope `c` against a client id `a` with scope `b#c`).
 */
export function derivedProviderKey(kind: string, parts: readonly string[]): string {
  return `${kind}:${parts.map((part) => part.replace(/[%#]/g, encodeURIComponent)).join('#')}`;
}
