import { ExpirySweep } from '../src/expiry-sweep.js';

const fill = (map: Map<string, number>, from: number, count: number, expiresAt: number): void => {
  for (let i = from; i < from + count; i++) map.set(`key-${i}`, expiresAt);
};

describe('ExpirySweep', () => {
  it('leaves a small map alone, expired entries included', () => {
    const map = new Map<string, number>();
    const sweep = new ExpirySweep<number>((expiresAt) => expiresAt);
    fill(map, 0, 1023, 100);
    sweep.written(map, 1_000);
    expect(map.size).toBe(1023);
  });

  it('drops the expired entries once the map reaches 1 024, and keeps the live ones', () => {
    const map = new Map<string, number>();
    const sweep = new ExpirySweep<number>((expiresAt) => expiresAt);
    fill(map, 0, 1000, 100);
    fill(map, 1000, 24, 5_000);
    sweep.written(map, 1_000);
    expect(map.size).toBe(24);
    expect([...map.values()].every((expiresAt) => expiresAt === 5_000)).toBe(true);
  });

  it('sweeps again only when the map has doubled since: amortised O(1) per write', () => {
    const map = new Map<string, number>();
    const sweep = new ExpirySweep<number>((expiresAt) => expiresAt);
    fill(map, 0, 1500, 5_000);
    sweep.written(map, 1_000); // nothing expired: next sweep at 3 000
    fill(map, 1500, 1499, 100);
    sweep.written(map, 1_000);
    expect(map.size).toBe(2999);
    map.set('key-last', 100);
    sweep.written(map, 1_000);
    expect(map.size).toBe(1500);
  });
});
