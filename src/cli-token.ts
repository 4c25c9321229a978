import { bankOfGeorgia } from './bank-of-georgia.js';
import { brainysoft } from './brainysoft.js';
import { chatlayer } from './chatlayer.js';
import { clientCredentials } from './client-credentials.js';
import { UsageError, type TokenCommand } from './cli-args.js';
import { TokenAuthConfigError, TokenRequestError } from './errors.js';
import { gigachat, type GigaChatScope } from './gigachat.js';
import { assertSecureTokenUrl } from './secure-url.js';
import type { Token, TokenProvider } from './token.js';

type Env = Readonly<Record<string, string | undefined>>;

/** What the command prints and the exit code it ends with. */
export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Builds the provider the command line and the environment describe. @throws {UsageError} */
export function providerFor(command: TokenCommand, env: Env): TokenProvider {
  checkTokenUrl(command);
  // The whole wait, retries included, as the default 10 s is: no retry starts past it.
  const timeout =
    command.timeoutMs === undefined
      ? {}
      : { timeoutMs: command.timeoutMs, retry: { deadlineMs: command.timeoutMs } };
  const shared = {
    ...timeout,
    allowInsecureHttp: command.allowInsecureHttp,
  };
  const tokenUrl = command.tokenUrl === undefined ? {} : { tokenUrl: command.tokenUrl };
  const scope = command.scope === undefined ? {} : { scope: command.scope };
  try {
    if (command.preset === 'gigachat') {
      const options = { ...shared, ...tokenUrl, ...(scope as { scope?: GigaChatScope }) };
      const credentials = fromEnv(env, 'GIGACHAT_CREDENTIALS');
      if (credentials !== undefined) {
        if (command.clientId !== undefined) {
          throw new UsageError(
            '--client-id is not used with GIGACHAT_CREDENTIALS, which holds the client id',
          );
        }
        return gigachat({ ...options, credentials });
      }
      return gigachat({ ...options, ...clientSecretPair(command, env, 'GIGACHAT_CREDENTIALS or ') });
    }
    const pair = clientSecretPair(command, env, '');
    switch (command.preset) {
      case 'brainysoft': {
        const method = command.authMethod;
        if (method === 'client_secret_basic')
          throw new UsageError('brainysoft takes client_secret_post or client_secret_query');
        const target =
          command.customerKey !== undefined
            ? { customerKey: command.customerKey, ...tokenUrl }
            : { tokenUrl: requireTokenUrl(command) };
        return brainysoft({
          ...shared,
          ...pair,
          ...scope,
          ...target,
          ...(method ? { authMethod: method } : {}),
        });
      }
      case 'chatlayer':
        return chatlayer({ ...shared, ...pair, ...scope, ...tokenUrl });
      case 'bog':
        return bankOfGeorgia({ ...shared, ...pair, ...scope, ...tokenUrl });
      default:
        return clientCredentials({
          ...shared,
          ...pair,
          ...scope,
          tokenUrl: requireTokenUrl(command),
          ...(command.audience === undefined ? {} : { audience: command.audience }),
          ...(command.authMethod === undefined ? {} : { authMethod: command.authMethod }),
        });
    }
  } catch (error) {
    if (error instanceof TokenAuthConfigError) throw new UsageError(error.message);
    throw error;
  }
}

/** Runs `token`: one token request, printed redacted (or whole with `--show`). Never throws. */
export async function runTokenCommand(
  command: TokenCommand,
  env: Env,
  now = Date.now,
): Promise<CommandResult> {
  let provider: TokenProvider;
  try {
    provider = providerFor(command, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return failure(command, 2, { name: 'UsageError', message: error.message });
  }
  let token: Token;
  try {
    token = await provider.fetchToken({});
  } catch (error) {
    if (!(error instanceof TokenRequestError)) {
      const message = error instanceof Error ? error.message : String(error);
      return failure(command, 1, { name: 'Error', message, providerKey: provider.key });
    }
    return failure(command, 1, {
      name: error.name,
      message: error.message + proxyNote(error, env),
      providerKey: error.providerKey,
      ...(error.status === undefined ? {} : { status: error.status }),
      ...(error.code === undefined ? {} : { code: error.code }),
      ...(error.description === undefined ? {} : { description: error.description }),
    });
  }
  const shown = command.show ? token.accessToken : redact(token.accessToken);
  const expiresInSeconds = token.expiresAt === null ? null : Math.round((token.expiresAt - now()) / 1000);
  if (command.json) {
    const output = {
      provider: provider.key,
      tokenType: token.tokenType,
      expiresAt: token.expiresAt === null ? null : new Date(token.expiresAt).toISOString(),
      expiresInSeconds,
      ...(token.scope === undefined ? {} : { scope: token.scope }),
      accessToken: shown,
      redacted: !command.show,
    };
    return { exitCode: 0, stdout: printableJson(output), stderr: '' };
  }
  const rows: [string, string][] = [
    ['provider', provider.key],
    ['token type', token.tokenType],
    [
      'expires',
      token.expiresAt === null
        ? 'not stated by the server'
        : `${new Date(token.expiresAt).toISOString()} (${timeLeft(expiresInSeconds ?? 0)})`,
    ],
  ];
  if (token.scope !== undefined) rows.push(['scope', token.scope]);
  rows.push(['access token', shown]);
  return {
    exitCode: 0,
    stdout: rows.map(([name, value]) => `${name.padEnd(13)} ${printable(value)}\n`).join(''),
    stderr: '',
  };
}

/** First 4 and last 4 characters when the token is long enough for that to reveal little. */
export function redact(token: string): string {
  if (token.length < 24) return `… (${token.length} characters hidden)`;
  return `${token.slice(0, 4)}…${token.slice(-4)}`;
}

function failure(command: TokenCommand, exitCode: number, error: Record<string, unknown>): CommandResult {
  if (command.json) return { exitCode, stdout: printableJson({ error }), stderr: '' };
  // A TokenRequestError's message already ends with the server's description.
  return { exitCode, stdout: '', stderr: `${printable(String(error['message']))}\n` };
}

// C0, DEL and C1: what a terminal would act on rather than print.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * `text` with control characters shown as `\u001b`-style escapes: a token server's words (an
 * `error_description`, a scope) must not move the cursor, retitle the window or clear the terminal.
 */
function printable(text: string): string {
  return text.replace(CONTROL, escaped);
}

/** `value` as indented JSON: `JSON.stringify` escapes C0 controls, but writes DEL and C1 as they are. */
function printableJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2).replace(/[\u007f-\u009f]/g, escaped)}\n`;
}

function escaped(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * Which proxy variable a connection failure went through: axios connects to that proxy, and the
 * error's code (ECONNREFUSED, ENOTFOUND) is about it, not about the token endpoint.
 */
function proxyNote(error: TokenRequestError, env: Env): string {
  const scheme = /^(https?):/.exec(error.endpoint ?? '')?.[1];
  if (scheme === undefined || (error.code !== 'network_error' && error.code !== 'timeout')) return '';
  const isSet = (variable: string): boolean => (env[variable]?.trim() ?? '') !== '';
  const name = [`${scheme}_proxy`, `${scheme.toUpperCase()}_PROXY`, 'all_proxy', 'ALL_PROXY'].find(isSet);
  if (name === undefined) return '';
  const exempt = isSet('no_proxy') || isSet('NO_PROXY') ? ' unless NO_PROXY names its host' : '';
  return ` (through the proxy in ${name}${exempt})`;
}

function clientSecretPair(
  command: TokenCommand,
  env: Env,
  alternative: string,
): { clientId: string; clientSecret: string } {
  const clientId = command.clientId ?? fromEnv(env, 'ATF_CLIENT_ID');
  const clientSecret = fromEnv(env, 'ATF_CLIENT_SECRET');
  if (clientId === undefined || clientSecret === undefined) {
    throw new UsageError(
      `${command.preset} needs ${alternative}ATF_CLIENT_ID (or --client-id) and ATF_CLIENT_SECRET in the environment`,
    );
  }
  return { clientId, clientSecret };
}

/**
 * Refuses a token URL the provider would refuse only once asked for a token: that is a mistake on
 * the command line (exit code 2), not a failed token request.
 * @throws {UsageError}
 */
function checkTokenUrl(command: TokenCommand): void {
  if (command.tokenUrl === undefined) return;
  try {
    assertSecureTokenUrl(command.tokenUrl, {
      providerKey: command.preset,
      allowInsecureHttp: command.allowInsecureHttp,
    });
  } catch (error) {
    if (!(error instanceof TokenRequestError)) throw error;
    const http = error.description?.startsWith('http:') === true;
    throw new UsageError(
      `--token-url refused: ${error.description ?? error.message}` +
        (http ? ' (--allow-insecure-http sets it)' : ''),
    );
  }
}

function requireTokenUrl(command: TokenCommand): string {
  if (command.tokenUrl === undefined) {
    throw new UsageError(
      `${command.preset} needs --token-url${command.preset === 'brainysoft' ? ' or --customer-key' : ''}`,
    );
  }
  return command.tokenUrl;
}

/**
 * The variable without surrounding whitespace, such as the `\r` a file with Windows line endings leaves.
 * @throws {UsageError} when it is not UTF-8: Node reads such bytes as U+FFFD, and the server would only
 * answer that the credentials are wrong.
 */
function fromEnv(env: Env, name: string): string | undefined {
  const text = env[name]?.trim();
  if (text === undefined || text === '') return undefined;
  if (text.includes('\uFFFD')) {
    throw new UsageError(`${name} is not valid UTF-8 (was it saved in another encoding?)`);
  }
  return text;
}

function timeLeft(total: number): string {
  if (total <= 0) return 'already expired';
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const parts = [hours > 0 ? `${hours}h` : '', minutes > 0 ? `${minutes}m` : '', `${seconds}s`];
  return `in ${parts.filter(Boolean).join(' ')}`;
}
