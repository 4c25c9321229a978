#!/usr/bin/env node
import { parseCommand, USAGE, UsageError } from './cli-args.js';
import { runTokenCommand } from './cli-token.js';
import { version } from '../package.json';

/** `axios-token-flight token --preset ...`: checks credentials by fetching one token. */
async function main(argv: readonly string[]): Promise<number> {
  let command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    // A script that asked for JSON reads every outcome the same way.
    if (argv.includes('--json')) {
      const output = { error: { name: error.name, message: error.message } };
      process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    } else {
      process.stderr.write(`${error.message}\n\n${USAGE}`);
    }
    return 2;
  }
  if (command.command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command.command === 'version') {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  const result = await runTokenCommand(command, process.env);
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  return result.exitCode;
}

// A reader that went away (`| head -c 5`) is no failure: what is left unwritten is dropped and the
// exit code stays the command's own.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

// The library's timers (retry back-off, timeouts) never keep a process alive; this program must stay
// until its answer is printed.
const keepAlive = setInterval(() => undefined, 60_000);
main(process.argv.slice(2))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  )
  .finally(() => clearInterval(keepAlive));
