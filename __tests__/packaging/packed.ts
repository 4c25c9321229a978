import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(
  file: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<Run> {
  return new Promise((done) => {
    execFile(
      file,
      args,
      { cwd, env: { ...process.env, ...env }, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        done({ code, stdout, stderr });
      },
    );
  });
}

export async function mustRun(
  file: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<string> {
  const result = await run(file, args, cwd, env);
  if (result.code !== 0) {
    throw new Error(`${file} ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/**
 * Builds the package into `work/pkg` (the repository's dist/ is neither needed nor touched), packs
 * it with npm into `work` and returns the tarball's path.
 */
export async function packTarball(work: string): Promise<string> {
  const pkg = join(work, 'pkg');
  await mkdir(pkg, { recursive: true });
  await mustRun(
    process.execPath,
    [join(ROOT, 'node_modules/tsup/dist/cli-default.js'), '--out-dir', join(pkg, 'dist')],
    ROOT,
  );
  await cp(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  for (const sub of ['redis', 'browser']) await cp(join(ROOT, sub), join(pkg, sub), { recursive: true });
  await mustRun('npm', ['pack', '--ignore-scripts', '--pack-destination', work], pkg);
  const tarball = (await readdir(work)).find((name) => name.endsWith('.tgz'));
  if (tarball === undefined) throw new Error('npm pack wrote no tarball');
  return join(work, tarball);
}

/** A fresh ESM project in `app` with `specs` (a tarball, `axios@1.6.0`) installed, peers left out. */
export async function installApp(app: string, specs: string[], registry: boolean): Promise<void> {
  await mkdir(app, { recursive: true });
  await writeFile(
    join(app, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  const flags = ['--omit=peer', '--legacy-peer-deps', '--no-audit', '--no-fund', '--no-package-lock'];
  await mustRun('npm', ['install', registry ? '--prefer-offline' : '--offline', ...flags, ...specs], app);
}
