/**
 * Runs `run` and returns the reasons of the promise rejections left unhandled meanwhile, where the
 * process reports them. Under jest 30 this listener is never called: jest itself fails the running
 * test on an unhandled rejection (checked), and the tests using this helper rely on that too.
 */
export async function collectUnhandledRejections(run: () => Promise<void>): Promise<unknown[]> {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    await run();
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  return unhandled;
}
