/** RFC 9110 `token`: the syntax of a header name and of an auth scheme. */
export const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** `value` as `application/x-www-form-urlencoded` writes it (spaces as `+`). */
export function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}
