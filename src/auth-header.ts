import { AxiosHeaders } from 'axios';

/**
 * Reads and writes the one header that carries the token, with the case-insensitive semantics of
 * `AxiosHeaders.get`/`set`/`delete`. Those cost about half a microsecond per request (name
 * validation, two key scans, value sanitizing): the hot path is one key scan and a plain property
 * write, the way axios' own docs set `config.headers.Authorization`. Values are put through axios'
 * own normalization once per token ({@link AuthHeader.normalize}), so what is stored is the same.
 */
export interface AuthHeader {
  /** The header's current value in any casing, like `headers.get(name)`. */
  read(headers: AxiosHeaders): unknown;
  /** Sets the header to `value`, which {@link AuthHeader.normalize} returned. */
  write(headers: AxiosHeaders, value: string): void;
  /** Removes the header in every casing, like `headers.delete(name)`. */
  remove(headers: AxiosHeaders): void;
  /** `value` as `AxiosHeaders` would store it. */
  normalize(value: string): string;
}

export function createAuthHeader(name: string): AuthHeader {
  const lower = name.trim().toLowerCase();
  const normalize = (value: string): string => String(AxiosHeaders.from({ [name]: value }).get(name));
  if (!isPlainSlot(name, lower)) {
    return {
      read: (headers) => headers.get(name),
      write: (headers, value) => void headers.set(name, value),
      remove: (headers) => void headers.delete(name),
      normalize,
    };
  }
  // Mirrors axios' `findKey`: the last own key that matches wins.
  const keyOf = (headers: AxiosHeaders): string | undefined => {
    const keys = Object.keys(headers);
    for (let i = keys.length - 1; i >= 0; i -= 1) {
      const key = keys[i] as string;
      if (key.length === lower.length && key.toLowerCase() === lower) return key;
    }
    return undefined;
  };
  return {
    read: (headers) => {
      const key = keyOf(headers);
      return key === undefined ? undefined : slots(headers)[key];
    },
    write: (headers, value) => {
      slots(headers)[keyOf(headers) ?? name] = value;
    },
    remove: (headers) => void headers.delete(name),
    normalize,
  };
}

function slots(headers: AxiosHeaders): Record<string, unknown> {
  return headers as unknown as Record<string, unknown>;
}

/**
 * A name whose own property on `AxiosHeaders` is the header itself: a plain token that shadows no
 * method (`set`, `toJSON`, ...) or `Object.prototype` member (`__proto__`, `constructor`), which
 * axios stores under another slot.
 */
function isPlainSlot(name: string, lower: string): boolean {
  if (name !== name.trim() || !/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(name)) return false;
  const reserved = [
    ...Object.getOwnPropertyNames(AxiosHeaders.prototype),
    ...Object.getOwnPropertyNames(Object.prototype),
  ];
  return !reserved.some((member) => member.toLowerCase() === lower);
}
