import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCommand, USAGE, UsageError } from '../src/cli-args.js';

const SECRET = 'c2VjcmV0LWtleS1wYXN0ZWQtaGVyZQ==';

function usageError(argv: string[]): UsageError {
  try {
    parseCommand(argv);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`parsed: ${argv.join(' ')}`);
}

describe('parseCommand', () => {
  it('reads a token command', () => {
    expect(
      parseCommand(['token', '--preset', 'client-credentials', '--token-url', 'https://idp/t', '--json']),
    ).toMatchObject({
      command: 'token',
      preset: 'client-credentials',
      tokenUrl: 'https://idp/t',
      json: true,
    });
    expect(parseCommand([])).toEqual({ command: 'help' });
    expect(parseCommand(['--help'])).toEqual({ command: 'help' });
    expect(parseCommand(['--version'])).toEqual({ command: 'version' });
    expect(parseCommand(['token', '-V'])).toEqual({ command: 'version' });
  });

  it.each([
    [['--preset', 'client-credentials', '--auth-method', 'private_key_jwt'], /--auth-method must be one of/],
    [['--preset', 'bog', '--timeout-ms', '1.5'], /--timeout-ms must be a positive integer/],
    [['--preset', 'bog', '--timeout-ms', '0'], /--timeout-ms must be a positive integer/],
    [['--preset', 'bog', '--timeout-ms', 'soon'], /--timeout-ms must be a positive integer/],
    [['--preset'], /--preset <value>' argument missing/],
  ])('refuses %j with a usage error', (argv, message) => {
    expect(usageError(['token', ...argv]).message).toMatch(message);
  });

  it.each([
    ['a secret pasted after the command', ['token', '--preset', 'gigachat', SECRET]],
    ['a secret in place of the command', [SECRET, '--preset', 'gigachat']],
    ['a secret after --', ['token', '--preset', 'gigachat', '--', SECRET]],
  ])('never echoes %s', (_, argv) => {
    const error = usageError(argv);
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain('c2VjcmV0');
  });

  it.each(['--client_secret=abc12345', '--api-password=abc12345', '--my-credentials', '--clientSecret'])(
    'refuses %s as a secret flag, naming the variable to use',
    (flag) => {
      const error = usageError(['token', '--preset', 'bog', flag]);
      expect(error.message).toMatch(/visible to other users/);
      expect(error.message).toContain('ATF_CLIENT_SECRET');
      expect(error.message).not.toContain('abc12345');
    },
  );

  it('names an unknown option without its value or a misleading hint', () => {
    const error = usageError(['token', '--preset', 'bog', '--colour=blue-value']);
    expect(error.message).toBe('Unknown option --colour (see --help)');
    expect(usageError(['token', '-x']).message).toBe('Unknown option -x (see --help)');
  });

  it('says when an argument ends with the carriage return of a script with Windows line endings', () => {
    for (const argv of [
      ['token', '--preset', 'bog', '--json\r'],
      ['token', '--preset', 'bog\r'],
      [
        'token',
        '--preset',
        'client-credentials',
        '--token-url',
        'https://idp.example.com/t',
        '--scope',
        'api\r',
      ],
    ]) {
      const error = usageError(argv);
      expect(error.message).toMatch(/ends with a carriage return/);
      expect(error.message).not.toContain('\r');
    }
  });

  it('names an option that lacks its value, or has one it does not take, without the value', () => {
    expect(usageError(['token', '--preset']).message).toContain('--preset');
    const error = usageError(['token', '--preset', 'bog', '--json=abc12345']);
    expect(error.message).toContain('--json');
    expect(error.message).not.toContain('abc12345');
  });

  it.each([
    ['gigachat', '--audience', 'x'],
    ['gigachat', '--auth-method', 'client_secret_post'],
    ['gigachat', '--customer-key', 'acme'],
    ['chatlayer', '--auth-method', 'client_secret_basic'],
    ['bog', '--auth-method', 'client_secret_post'],
    ['bog', '--customer-key', 'acme'],
    ['brainysoft', '--audience', 'x'],
    ['client-credentials', '--customer-key', 'acme'],
  ])('refuses, rather than ignores, an option --preset %s does not use (%s)', (preset, flag, value) => {
    expect(usageError(['token', '--preset', preset, flag, value]).message).toBe(
      `--preset ${preset} does not use ${flag}`,
    );
  });

  it.each([
    ['brainysoft', ['--customer-key', 'acme', '--auth-method', 'client_secret_query']],
    [
      'client-credentials',
      ['--token-url', 'https://idp/t', '--audience', 'x', '--auth-method', 'client_secret_post'],
    ],
    ['gigachat', ['--scope', 'GIGACHAT_API_CORP']],
  ])('accepts the options --preset %s uses', (preset, options) => {
    expect(parseCommand(['token', '--preset', preset, ...options])).toMatchObject({
      command: 'token',
      preset,
    });
  });
});

describe('USAGE', () => {
  it('lists the options the README documents, and the README every option it lists', () => {
    const readme = readFileSync(resolve(__dirname, '../README.md'), 'utf8');
    const section = /^## CLI\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? '';
    const flags = (text: string): string[] => [...new Set(text.match(/--[a-z][a-z-]*/g))].sort();
    expect(flags(section)).toEqual(flags(USAGE));
  });
});
