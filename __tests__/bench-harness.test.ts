import { contenders } from '../bench/contenders/index.js';
import { createLab } from '../bench/in-process-adapter.js';
import { burst } from '../bench/scenarios/burst.js';
import { rotationFloor } from '../bench/scenarios/rotation-floor.js';

describe('benchmark contenders do the same job', () => {
  it.each(contenders.map((contender) => [contender.id, contender] as const))(
    '%s attaches a bearer token the API accepts',
    async (_id, contender) => {
      const lab = createLab();
      const client = contender.create(lab);
      const response = await client.http.get('/resource');
      expect(response.status).toBe(200);
      expect(response.data).toEqual({ ok: true });
      expect(String(response.config.headers.get('Authorization'))).toMatch(/^Bearer at-\d+-/);
      expect(lab.served).toBe(1);
      await client.http.get('/resource');
      expect(lab.tokenRequests).toBe(contender.refreshes ? 1 : 0);
      client.dispose();
    },
  );

  it.each(
    contenders
      .filter((contender) => contender.refreshes)
      .map((contender) => [contender.id, contender] as const),
  )('%s fetches a new token after a 401 and replays the request once', async (_id, contender) => {
    const lab = createLab();
    const client = contender.create(lab);
    const first = await client.http.get('/resource');
    lab.revokeAll();
    lab.resetCounters();
    const replayed = await client.http.get('/resource');
    expect(replayed.status).toBe(200);
    expect(lab.unauthorized).toBeGreaterThanOrEqual(1);
    expect(lab.tokenRequests).toBe(1);
    expect(replayed.config.headers.get('Authorization')).not.toBe(first.config.headers.get('Authorization'));
    client.dispose();
  });

  it.each(
    contenders
      .filter((contender) => contender.refreshes)
      .map((contender) => [contender.id, contender] as const),
  )('%s renews a token once it has expired', async (_id, contender) => {
    const lab = createLab({ tokenLifetimeS: 0.05 });
    const client = contender.create(lab);
    await client.http.get('/resource');
    await new Promise((resolve) => setTimeout(resolve, 60));
    const later = await client.http.get('/resource');
    expect(later.status).toBe(200);
    expect(lab.tokenRequests).toBe(2);
    client.dispose();
  });

  it('raw axios cannot renew a revoked token (it is the floor, not a token client)', async () => {
    const raw = contenders.find((contender) => !contender.refreshes)!;
    const lab = createLab();
    const client = raw.create(lab);
    lab.revokeAll();
    await expect(client.http.get('/resource')).rejects.toMatchObject({ response: { status: 401 } });
  });

  it('axios-token-flight makes exactly one token request for a cold burst and for a 401 storm', async () => {
    const ours = contenders.find((contender) => contender.id === 'axios-token-flight')!;
    const cold = await burst(ours, 200, async () => undefined);
    expect(cold).toMatchObject({ tokenRequests: 1, failed: 0 });
    const storm = await burst(ours, 200, async (lab, get) => {
      await get();
      lab.revokeAll();
    });
    expect(storm).toMatchObject({ tokenRequests: 1, failed: 0, unauthorized: 200 });
  });

  it('the hand-written interceptor has no single flight (what the burst scenario shows)', async () => {
    const naive = contenders.find((contender) => contender.id === 'naive')!;
    const cold = await burst(naive, 20, async () => undefined);
    expect(cold).toMatchObject({ tokenRequests: 20, failed: 0 });
  });
});

describe('the rotation floor', () => {
  afterEach(() => jest.useRealTimers());

  it('sends with a token the API accepts and swaps it for a fresh one halfway through each lifetime', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask', 'performance'] });
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    const lab = createLab({ tokenLifetimeS: 1 });
    const client = rotationFloor.create(lab);
    const first = await client.http.get('/resource');
    expect(first.status).toBe(200);
    expect(lab.tokenRequests).toBe(0);
    jest.advanceTimersByTime(500);
    await settle();
    await settle();
    expect(lab.tokenRequests).toBe(1);
    const second = await client.http.get('/resource');
    expect(second.status).toBe(200);
    expect(second.config.headers.get('Authorization')).not.toBe(first.config.headers.get('Authorization'));
    jest.advanceTimersByTime(499);
    await settle();
    expect(lab.tokenRequests).toBe(1);
    jest.advanceTimersByTime(1);
    await settle();
    await settle();
    expect(lab.tokenRequests).toBe(2);
    client.dispose();
    jest.advanceTimersByTime(5000);
    await settle();
    expect(lab.tokenRequests).toBe(2);
  });
});
