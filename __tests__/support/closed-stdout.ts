import { spawn, type SpawnOptions } from 'node:child_process';

/**
 * Runs `node <args>` with its stdout closed at once, as `| head` closes it early: what the program
 * writes goes to a broken pipe. Resolves with its exit code and everything it wrote to stderr.
 */
export async function runWithStdoutClosed(
  args: readonly string[],
  options: SpawnOptions,
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, args, { ...options, stdio: 'pipe' });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  return { code, stderr };
}
