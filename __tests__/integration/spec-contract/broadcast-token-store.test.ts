import { BroadcastTokenStore } from '../../../src/browser.js';
import { fakeProvider, manager, sleep } from '../../support/spec-contract-kit.js';

// The public contract, checked from the outside: every case names the sentence it checks.
// Here: Multiple tabs: BroadcastTokenStore.

describe('Shared stores: BroadcastTokenStore', () => {
  test('BroadcastTokenStore({ channel }): memory only; a token set in one tab reaches another tab', async () => {
    const channel = `spec-bc-${Date.now()}`;
    const s1 = new BroadcastTokenStore({ channel });
    const s2 = new BroadcastTokenStore({ channel });
    try {
      const p1 = fakeProvider('bc');
      const p2 = fakeProvider('bc');
      await manager({ store: s1 }).getToken(p1);
      await sleep(100);
      const t2 = await manager({ store: s2 }).getToken(p2);
      expect(t2.accessToken).toBe('tok-1');
      expect(p2.calls).toBe(0);
    } finally {
      (s1 as unknown as { close?: () => void }).close?.();
      (s2 as unknown as { close?: () => void }).close?.();
    }
  });

  test('BroadcastTokenStore: without navigator.locks it falls back to one fetch per tab (no hang)', async () => {
    const channel = `spec-bc2-${Date.now()}`;
    const s1 = new BroadcastTokenStore({ channel });
    try {
      const p = fakeProvider('bc2');
      const t = await manager({ store: s1 }).getToken(p);
      expect(t.accessToken).toBe('tok-1');
    } finally {
      (s1 as unknown as { close?: () => void }).close?.();
    }
  });

  test('BroadcastTokenStore: a tab opened later asks the other tabs before fetching (with navigator.locks)', async () => {
    const held = new Map<string, Promise<unknown>>();
    const locks = {
      async request<T>(name: string, _o: unknown, cb: () => Promise<T>): Promise<T> {
        while (held.has(name)) await held.get(name)!.catch(() => undefined);
        const run = cb();
        held.set(name, run);
        try {
          return await run;
        } finally {
          held.delete(name);
        }
      },
    };
    const g = globalThis as { navigator?: unknown };
    const had = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    Object.defineProperty(globalThis, 'navigator', { value: { locks }, configurable: true, writable: true });
    const channel = `spec-bc-late-${Date.now()}`;
    const s1 = new BroadcastTokenStore({ channel });
    let s2: BroadcastTokenStore | undefined;
    try {
      const p1 = fakeProvider('bc-late');
      await manager({ store: s1 }).getToken(p1);
      await sleep(50);
      s2 = new BroadcastTokenStore({ channel });
      const p2 = fakeProvider('bc-late');
      const t2 = await manager({ store: s2 }).getToken(p2);
      expect(t2.accessToken).toBe('tok-1');
      expect(p2.calls).toBe(0);
    } finally {
      s1.close();
      s2?.close();
      if (had) Object.defineProperty(globalThis, 'navigator', had);
      else delete g.navigator;
    }
  });
});
