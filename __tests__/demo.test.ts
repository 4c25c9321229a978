import { execFile, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { runWithStdoutClosed } from './support/closed-stdout.js';

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

describe('npm run demo | head', () => {
  it('plays on without a stack when the reader of its output has gone, and still exits 0', async () => {
    const { code, stderr } = await runWithStdoutClosed(['--import', 'tsx', resolve(ROOT, 'demo/demo.ts')], {
      cwd: ROOT,
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 60_000);
});

/** Whether util-linux `script`, which runs a command on a pseudo-terminal, is installed. */
const hasScript = spawnSync('script', ['--version']).status === 0;

/** Runs the demo on a pseudo-terminal `columns` wide, with `env` added; resolves with what it wrote. */
function runDemoOnTerminal(columns: number, env: Record<string, string>): Promise<string> {
  const demo = `stty cols ${columns}; exec '${process.execPath}' --import tsx demo/demo.ts`;
  return new Promise((done, fail) => {
    execFile(
      'script',
      ['-qfec', demo, '/dev/null'],
      { cwd: ROOT, timeout: 60_000, env: { ...process.env, ...env } },
      (error, out) => (error === null ? done(out) : fail(error)),
    );
  });
}

(hasScript ? describe : describe.skip)('npm run demo on a terminal', () => {
  it('keeps its live progress within one row, and prints plain lines where TERM=dumb', async () => {
    const [xterm, dumb] = await Promise.all([
      runDemoOnTerminal(80, { TERM: 'xterm' }),
      runDemoOnTerminal(80, { TERM: 'dumb' }),
    ]);
    expect(xterm).toContain('Every guarantee held.');
    const updates = xterm.split('\r\x1b[K').filter((text) => text !== '' && !text.includes('\n'));
    expect(updates.length).toBeGreaterThan(0);
    for (const update of updates) {
      expect(update.length).toBeLessThan(80);
      expect(update).toMatch(/ retries \d+$/);
    }
    expect(dumb).toContain('Every guarantee held.');
    expect(dumb).not.toContain('\x1b');
    expect(dumb).toMatch(/^▶ cold burst\r?$/m);
  }, 60_000);
});
