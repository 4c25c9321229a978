import { redactSecrets } from './redact-secrets.js';

const inspectCustom = Symbol.for('nodejs.util.inspect.custom');

/** The token endpoint's answer kept on a {@link TokenRequestError}; not enumerable, so never logged by accident. */
export interface TokenErrorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The response body as text, with every known secret redacted. */
  readonly body: string;
}

/** Marks errors of this package, so that `instanceof` also holds for one made by its other build. */
const BRAND = Symbol.for('axios-token-flight/error@1');

/** Base class of every error this library throws. */
export class TokenFlightError extends Error {
  /** The `name`s `instanceof` accepts for an error of the package's other build (ESM or CommonJS). */
  protected static readonly brandedNames: readonly string[] = [
    'TokenFlightError',
    'TokenAuthConfigError',
    'TokenRequestError',
  ];

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    // Only the package's own classes know the brand; a subclass of yours checks its prototype only.
    if (!Object.hasOwn(this, 'brandedNames')) return false;
    const candidate = value as { [BRAND]?: unknown; name?: unknown } | null;
    return (
      typeof candidate === 'object' &&
      candidate !== null &&
      candidate[BRAND] === true &&
      typeof candidate.name === 'string' &&
      this.brandedNames.includes(candidate.name)
    );
  }

  override name: string = 'TokenFlightError';
  /** A stable, machine-readable code. */
  readonly code: string | undefined;

  constructor(message: string, code?: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** Thrown for a misuse of the API, e.g. attaching twice to the same axios instance. */
export class TokenAuthConfigError extends TokenFlightError {
  protected static override readonly brandedNames: readonly string[] = ['TokenAuthConfigError'];
  override name = 'TokenAuthConfigError' as const;
}

/** The {@link TokenAuthConfigError} for an option that is missing or of the wrong kind. */
export function invalidOptions(message: string): TokenAuthConfigError {
  return new TokenAuthConfigError(message, 'invalid_options');
}

/** What a {@link TokenRequestError} is made from, e.g. by a custom provider; only `providerKey` is required. */
export interface TokenRequestErrorOptions {
  providerKey: string;
  /** The token URL; its query string and user info are never kept, secrets in its path are redacted. */
  endpoint?: string | undefined;
  status?: number | undefined;
  code?: string | undefined;
  description?: string | undefined;
  cause?: unknown;
  response?: TokenErrorResponse | undefined;
  /** Strings that must never appear in the error (client secret, authorization key, Basic value). */
  secrets?: readonly string[] | undefined;
}

/**
 * A token could not be obtained: the endpoint refused, answered something unusable, timed out or
 * could not be reached. Carries no secret and no token in any property, message or cause.
 */
export class TokenRequestError extends TokenFlightError {
  protected static override readonly brandedNames: readonly string[] = ['TokenRequestError'];
  override name = 'TokenRequestError' as const;
  /** The key of the provider whose token request failed. */
  readonly providerKey: string;
  /** The token endpoint, without query string or user info. */
  readonly endpoint: string | undefined;
  /** The HTTP status of the token endpoint's answer, when there was one. */
  readonly status: number | undefined;
  /** OAuth `error_description` or GigaChat `message`. */
  readonly description: string | undefined;
  /** The token endpoint's answer (status, headers, redacted body). Not enumerable. */
  declare readonly response: TokenErrorResponse | undefined;

  constructor(options: TokenRequestErrorOptions) {
    const secrets = options.secrets ?? [];
    const endpoint =
      options.endpoint === undefined ? undefined : redactSecrets(safeEndpoint(options.endpoint), secrets);
    const description =
      options.description === undefined ? undefined : redactSecrets(options.description, secrets);
    const code = options.code === undefined ? undefined : redactSecrets(options.code, secrets);
    const cause = options.cause === undefined ? undefined : sanitizeCause(options.cause, secrets);
    super(buildMessage(options.providerKey, endpoint, options.status, code, description), code, { cause });
    this.providerKey = options.providerKey;
    this.endpoint = endpoint;
    this.status = options.status;
    this.description = description;
    Object.defineProperty(this, 'response', {
      value: options.response,
      enumerable: false,
      writable: false,
      configurable: true,
    });
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      providerKey: this.providerKey,
      endpoint: this.endpoint,
      status: this.status,
      code: this.code,
      description: this.description,
    };
  }

  [inspectCustom](): string {
    return this.stack ?? `${this.name}: ${this.message}`;
  }
}

function buildMessage(
  providerKey: string,
  endpoint: string | undefined,
  status: number | undefined,
  code: string | undefined,
  description: string | undefined,
): string {
  let message = `Token request for provider "${providerKey}"`;
  if (endpoint !== undefined) message += ` to ${endpoint}`;
  message += status === undefined ? ' failed' : ` failed with status ${status}`;
  if (code !== undefined) message += `: ${code}`;
  if (description !== undefined && description !== '') message += ` (${description})`;
  return message;
}

/** `origin + pathname` of a URL: query strings may carry `client_secret` (client_secret_query). */
export function safeEndpoint(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return url.replace(/[?#].*$/s, '').replace(/\/\/[^/@]*@/, '//');
  }
}

/**
 * A plain `Error` with the cause's message and code only: an axios error carries the request config
 * (Authorization header, form body with the secret), which must never travel with our error.
 */
function sanitizeCause(cause: unknown, secrets: readonly string[]): Error {
  if (cause instanceof TokenRequestError) return cause;
  const source = cause as { message?: unknown; code?: unknown; name?: unknown } | null;
  const message = typeof source?.message === 'string' ? source.message : String(cause);
  const safe = new Error(redactSecrets(message, secrets));
  if (typeof source?.name === 'string' && source.name !== 'AxiosError') safe.name = source.name;
  if (typeof source?.code === 'string')
    Object.defineProperty(safe, 'code', { value: source.code, enumerable: true });
  return safe;
}
