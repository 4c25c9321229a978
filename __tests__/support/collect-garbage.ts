import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * How many of `refs` still point to a live object after a full garbage collection. A `WeakRef`
 * holds its target until the current job ends, so the collection runs on a later turn.
 */
export async function countRetained(refs: ReadonlyArray<WeakRef<object>>): Promise<number> {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  return refs.filter((ref) => ref.deref() !== undefined).length;
}
