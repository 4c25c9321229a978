import { parseCommand, UsageError, type TokenCommand } from '../src/cli-args.js';
import { providerFor } from '../src/cli-token.js';

const KEY = Buffer.from('giga-client:giga-secret-value').toString('base64');

function command(argv: string[]): TokenCommand {
  const parsed = parseCommand(['token', ...argv]);
  if (parsed.command !== 'token') throw new Error('expected a token command');
  return parsed;
}

describe('providerFor', () => {
  it('builds gigachat from GIGACHAT_CREDENTIALS, keyed by the client id inside it', () => {
    const provider = providerFor(command(['--preset', 'gigachat']), { GIGACHAT_CREDENTIALS: KEY });
    expect(provider.key).toContain('giga-client');
    expect(provider.key).not.toContain('giga-secret-value');
  });

  it('refuses --client-id next to GIGACHAT_CREDENTIALS rather than ignore it', () => {
    const build = (): unknown =>
      providerFor(command(['--preset', 'gigachat', '--client-id', 'other-id']), {
        GIGACHAT_CREDENTIALS: KEY,
      });
    expect(build).toThrow(UsageError);
    expect(build).toThrow(/--client-id is not used with GIGACHAT_CREDENTIALS/);
  });

  it('builds gigachat from an id and secret when no key is set', () => {
    const provider = providerFor(command(['--preset', 'gigachat', '--client-id', 'id-from-flag']), {
      ATF_CLIENT_SECRET: 'secret-from-env',
    });
    expect(provider.key).toContain('id-from-flag');
  });

  it('turns a configuration error into a usage error', () => {
    expect(() =>
      providerFor(
        command(['--preset', 'client-credentials', '--token-url', 'https://u:p@idp.example.com/t']),
        {
          ATF_CLIENT_ID: 'id',
          ATF_CLIENT_SECRET: 'secret',
        },
      ),
    ).toThrow(UsageError);
  });
});
