import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
/** Nothing listens on port 9 of the loopback interface. */
const DEAD_PROXY = 'http://127.0.0.1:9';

describe('npm run demo', () => {
  it('plays the scenario, prints the table and exits 0', async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
      (done) => {
        execFile(
          process.execPath,
          ['--import', 'tsx', resolve(ROOT, 'demo/demo.ts')],
          {
            cwd: ROOT,
            timeout: 60_000,
            // Nothing to configure, nor to unset: a proxy in the environment is not used for the lab.
            env: {
              ...process.env,
              HTTP_PROXY: DEAD_PROXY,
              http_proxy: DEAD_PROXY,
              NO_PROXY: '',
              no_proxy: '',
            },
          },
          (error, out, err) =>
            done({ code: error === null ? 0 : Number(error.code ?? -1), stdout: out, stderr: err }),
        );
      },
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    // Not a terminal: plain lines, no carriage-return progress.
    expect(stdout).not.toContain('\r');
    expect(stdout).toMatch(
      /^phase +requests sent +succeeded +failed +token requests +retries +expired tokens sent$/m,
    );
    for (const phase of [
      'cold burst',
      'tokens expiring',
      'revoked-token 401 storm',
      'token endpoint outage',
    ]) {
      expect(stdout).toMatch(new RegExp(`^${phase}.* 0$`, 'm'));
    }
    expect(stdout).toMatch(/^cold burst +100 +100 +0 +2 +0 +0$/m);
    expect(stdout).toMatch(/^fresh tokens for the storm +0 +0 +0 +2 +0 +0$/m);
    expect(stdout).toMatch(/^revoked-token 401 storm +100 +100 +0 +2 +100 +0$/m);
    expect(stdout).toContain('✔ the table counts every token request the server saw');
    const total = /^total +(\d+) +(\d+) +(\d+) +(\d+) +(\d+) +(\d+)$/m.exec(stdout);
    expect(total).not.toBeNull();
    expect(Number(total![6])).toBe(0);
    // Steady traffic over 5 s of 2 s tokens: one refresh per provider per half-life, never a 401.
    const expiring = /^tokens expiring \(5 s\) +(\d+) +(\d+) +0 +(\d+) +0 +0$/m.exec(stdout);
    expect(expiring).not.toBeNull();
    expect(Number(expiring![3])).toBeGreaterThanOrEqual(2);
    expect(Number(expiring![3])).toBeLessThanOrEqual(12);
    expect(stdout).toContain('one refresh per provider per half-life');
    expect(stdout).not.toContain('✘');
    expect(stdout).toContain('Every guarantee held.');
  }, 60_000);
});
