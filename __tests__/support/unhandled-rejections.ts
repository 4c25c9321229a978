/** Runs `run` and returns the reasons of the promise rejections left unhandled meanwhile. */
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
