/** Below this size a map is never swept: a handful of keys is no growth worth a pass. */
const FIRST_SWEEP_SIZE = 1024;

/**
 * Keeps a map of expiring entries from growing without bound when most keys are used once (a
 * provider per tenant or per user): each time it has doubled since the last sweep, the entries
 * expired by then are dropped. Amortised O(1) per write; nothing is scheduled.
 */
export class ExpirySweep<Value> {
  readonly #expiresAt: (value: Value) => number;
  #sweepAt = FIRST_SWEEP_SIZE;

  constructor(expiresAt: (value: Value) => number) {
    this.#expiresAt = expiresAt;
  }

  /** Call after writing to `map`. */
  written(map: Map<string, Value>, now: number): void {
    if (map.size < this.#sweepAt) return;
    for (const [key, value] of map) {
      if (this.#expiresAt(value) <= now) map.delete(key);
    }
    this.#sweepAt = Math.max(FIRST_SWEEP_SIZE, map.size * 2);
  }
}
