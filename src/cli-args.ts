import { parseArgs } from 'node:util';

/** The presets the `token` command knows. */
export const PRESETS = ['gigachat', 'brainysoft', 'chatlayer', 'bog', 'client-credentials'] as const;
export type PresetName = (typeof PRESETS)[number];

export const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'client_secret_query'] as const;
export type AuthMethodName = (typeof AUTH_METHODS)[number];

/** What `axios-token-flight token ...` was asked to do. */
export interface TokenCommand {
  readonly command: 'token';
  readonly preset: PresetName;
  readonly tokenUrl?: string;
  readonly scope?: string;
  readonly audience?: string;
  readonly customerKey?: string;
  readonly authMethod?: AuthMethodName;
  readonly clientId?: string;
  readonly timeoutMs?: number;
  readonly allowInsecureHttp: boolean;
  readonly json: boolean;
  readonly show: boolean;
}

export type ParsedCommand = TokenCommand | { readonly command: 'help' } | { readonly command: 'version' };

/** A mistake on the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Flags that would carry a secret: argv is readable by every user of the machine (`ps`, `/proc`). */
const SECRET_FLAGS: Readonly<Record<string, string>> = {
  'client-secret': 'ATF_CLIENT_SECRET',
  secret: 'ATF_CLIENT_SECRET',
  password: 'ATF_CLIENT_SECRET',
  credentials: 'GIGACHAT_CREDENTIALS',
  'authorization-key': 'GIGACHAT_CREDENTIALS',
  'auth-key': 'GIGACHAT_CREDENTIALS',
};

/** Any other flag whose name says it holds a secret (`--client_secret`, `--api-password`, ...). */
const SECRET_FLAG_NAME = /secret|passw|credential/i;

/** The options each preset has no use for: given anyway, they are refused rather than ignored. */
const UNUSED_BY_PRESET: Readonly<Record<PresetName, readonly string[]>> = {
  gigachat: ['audience', 'customer-key', 'auth-method'],
  brainysoft: ['audience'],
  chatlayer: ['audience', 'customer-key', 'auth-method'],
  bog: ['audience', 'customer-key', 'auth-method'],
  'client-credentials': ['customer-key'],
};

const OPTIONS = {
  preset: { type: 'string' },
  'token-url': { type: 'string' },
  scope: { type: 'string' },
  audience: { type: 'string' },
  'customer-key': { type: 'string' },
  'auth-method': { type: 'string' },
  'client-id': { type: 'string' },
  'timeout-ms': { type: 'string' },
  'allow-insecure-http': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  show: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', short: 'V', default: false },
} as const;

/** Parses the command line (without `node` and the script). @throws {UsageError} */
export function parseCommand(argv: readonly string[]): ParsedCommand {
  for (const arg of argv) {
    const flag = /^--([^=]+)/.exec(arg)?.[1];
    const variable =
      flag === undefined
        ? undefined
        : (SECRET_FLAGS[flag] ?? (SECRET_FLAG_NAME.test(flag) ? 'ATF_CLIENT_SECRET' : undefined));
    if (variable !== undefined) {
      throw new UsageError(
        `--${flag} is not accepted: command-line arguments are visible to other users of this machine ` +
          `(ps, /proc). Set ${variable} in the environment instead.`,
      );
    }
  }
  // The last argument of each line of a script saved with Windows line endings; not echoed either.
  if (argv.some((arg) => arg.endsWith('\r'))) {
    throw new UsageError(
      'An argument ends with a carriage return (\\r): save the script with Unix (LF) line endings',
    );
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's own message quotes the argument, which may be a secret typed in the wrong place.
    throw new UsageError(parseFailure(error));
  }
  const { values, positionals } = parsed;
  if (values.help || (positionals.length === 0 && !values.version) || positionals[0] === 'help') {
    return { command: 'help' };
  }
  if (values.version) return { command: 'version' };
  // Arguments are never echoed: a stray one may be a secret pasted on the command line.
  if (positionals[0] !== 'token') throw new UsageError('Unknown command; the only command is `token`');
  if (positionals.length > 1) {
    throw new UsageError(
      '`token` takes no arguments, only options (not echoed here; secrets go in environment variables)',
    );
  }
  const preset = values.preset;
  if (preset === undefined) throw new UsageError(`--preset is required (${PRESETS.join(', ')})`);
  if (!(PRESETS as readonly string[]).includes(preset)) {
    throw new UsageError(`Unknown preset "${preset}"; choose one of ${PRESETS.join(', ')}`);
  }
  const unused = UNUSED_BY_PRESET[preset as PresetName].filter(
    (name) => values[name as keyof typeof values] !== undefined,
  );
  if (unused.length > 0) {
    throw new UsageError(`--preset ${preset} does not use ${unused.map((name) => `--${name}`).join(', ')}`);
  }
  const authMethod = values['auth-method'];
  if (authMethod !== undefined && !(AUTH_METHODS as readonly string[]).includes(authMethod)) {
    throw new UsageError(`--auth-method must be one of ${AUTH_METHODS.join(', ')}`);
  }
  let timeoutMs: number | undefined;
  if (values['timeout-ms'] !== undefined) {
    timeoutMs = Number(values['timeout-ms']);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
      throw new UsageError('--timeout-ms must be a positive integer');
  }
  return {
    command: 'token',
    preset: preset as PresetName,
    ...defined('tokenUrl', values['token-url']),
    ...defined('scope', values.scope),
    ...defined('audience', values.audience),
    ...defined('customerKey', values['customer-key']),
    ...defined('authMethod', authMethod as AuthMethodName | undefined),
    ...defined('clientId', values['client-id']),
    ...defined('timeoutMs', timeoutMs),
    allowInsecureHttp: values['allow-insecure-http'],
    json: values.json,
    show: values.show,
  };
}

function parseFailure(error: unknown): string {
  const { code, message: text } = (error ?? {}) as { code?: unknown; message?: unknown };
  const message = typeof text === 'string' ? text : '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const name = /'(-{1,2}[^'=\s]+)/.exec(message)?.[1];
    return `Unknown option${name === undefined ? '' : ` ${name}`} (see --help)`;
  }
  // Names the option only ("Option '--preset <value>' argument missing"), never a value.
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return message;
  return 'The command line could not be read (see --help)';
}

function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

export const USAGE = `Usage: axios-token-flight token --preset <name> [options]

Fetches one access token and prints what the server answered, with the token redacted.

Presets: ${PRESETS.join(', ')}

Options:
  --preset <name>          which token endpoint to call (required)
  --token-url <url>        token endpoint (required for client-credentials; overrides a preset's default)
  --scope <scope>          requested scope (gigachat: GIGACHAT_API_PERS, GIGACHAT_API_B2B, GIGACHAT_API_CORP)
  --audience <aud>         audience parameter (client-credentials)
  --customer-key <key>     Brainysoft customer key ({key}-auth.brainysoft.ru)
  --auth-method <method>   client_secret_basic | client_secret_post | client_secret_query
  --client-id <id>         client id (not a secret; default: ATF_CLIENT_ID)
  --timeout-ms <ms>        how long to wait for the token, retries included (default 10000)
  --allow-insecure-http    allow an http: token URL to a non-loopback host
  --json                   print one JSON object (for scripts)
  --show                   print the whole access token
  -h, --help               show this help
  -V, --version            show the version

Secrets are read from the environment only (command-line arguments are visible to other users):
  ATF_CLIENT_ID            client id (every preset; gigachat when GIGACHAT_CREDENTIALS is not set)
  ATF_CLIENT_SECRET        client secret
  GIGACHAT_CREDENTIALS     GigaChat authorization key (base64 of client_id:client_secret)
Surrounding whitespace (such as a Windows line ending) is dropped from their values.

Exit codes: 0 token received, 1 token request failed, 2 usage or configuration error.
`;
