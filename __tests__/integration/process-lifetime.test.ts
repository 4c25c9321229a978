import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_CLIENT, startAuthLab, type AuthLab } from '../support/auth-lab.js';

const run = promisify(execFile);
const script = resolve(__dirname, '../support/scripts/one-shot-request.ts');

let lab: AuthLab;
beforeAll(async () => {
  lab = await startAuthLab();
});
afterAll(async () => {
  await lab.close();
});

function oneShot(): Promise<{ stdout: string; stderr: string }> {
  const args = [lab.apiUrl, lab.tokenUrl(), DEFAULT_CLIENT.clientId, DEFAULT_CLIENT.clientSecret];
  return run(process.execPath, ['--import', 'tsx', script, ...args], { timeout: 20_000 });
}

describe('a one-shot Node script', () => {
  it('finishes its request and exits on its own: cached tokens and library timers keep nothing alive', async () => {
    const { stdout } = await oneShot();
    expect(stdout).toContain('status 200');
  });

  it('is not cut off while its token request waits in retry back-off (no socket is open then)', async () => {
    lab.resetStats();
    lab.setTokenFault({
      kind: 'times',
      count: 1,
      fault: { kind: 'status', status: 503, headers: { 'Retry-After': '1' } },
    });
    const { stdout } = await oneShot();
    expect(stdout).toContain('status 200');
    expect(lab.stats.tokenRequests).toBe(2);
  });

  it('is not cut off while it waits for a background refresh that has not sent its request yet', async () => {
    const joined = resolve(__dirname, '../support/scripts/join-background-refresh.ts');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', joined], { timeout: 20_000 });
    expect(stdout.trim()).toBe('joined token-2');
  });

  it('is not cut off while it waits for a background refresh that is in its back-off', async () => {
    const joined = resolve(__dirname, '../support/scripts/join-background-backoff.ts');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', joined], { timeout: 20_000 });
    expect(stdout.trim()).toBe('joined token-2');
  });

  it('exits once the caller that joined a background refresh in its back-off gives up its wait', async () => {
    const gaveUp = resolve(__dirname, '../support/scripts/give-up-background-backoff.ts');
    // The refresh's back-off lasts a minute: a process kept alive for it is killed by the timeout.
    const { stdout } = await run(process.execPath, ['--import', 'tsx', gaveUp], { timeout: 15_000 });
    expect(stdout.trim()).toBe('gave up: TimeoutError');
  });
});
