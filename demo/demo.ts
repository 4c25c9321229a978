/**
 * `npm run demo`: a loopback token server (RFC 6749 and GigaChat shapes) and a protected API, a plain
 * axios instance with attachTokenAuth, and a short scenario that would break naive token handling.
 * Exits 0 only when every guarantee held.
 */
import axios, { type AxiosInstance } from 'axios';
import { DEFAULT_CLIENT, startAuthLab, type AuthLab } from '../__tests__/support/auth-lab.js';
import {
  attachTokenAuth,
  clientCredentials,
  gigachat,
  TokenManager,
  TokenRequestError,
} from '../src/index.js';

const TOKEN_LIFETIME_MS = 2_000;
const BURST = 100;
const EXPIRING_MS = 5_000;
const PROVIDERS = 2;

/**
 * Whether `tokenRequests` over `forMs` of steady traffic fits one refresh per provider per half
 * lifetime (when the refresh window opens): each provider refreshed, and never more often than that.
 */
function refreshesWithin(tokenRequests: number, forMs: number): boolean {
  const rotations = forMs / (TOKEN_LIFETIME_MS / 2);
  return tokenRequests >= PROVIDERS && tokenRequests <= PROVIDERS * Math.ceil(rotations + 1);
}

interface Tally {
  name: string;
  sent: number;
  succeeded: number;
  failed: number;
  /** Failures that are not a TokenRequestError: never expected. */
  unexpected: number;
  tokenRequests: number;
  retries: number;
  expiredSent: number;
}

function emptyTally(name: string): Tally {
  return {
    name,
    sent: 0,
    succeeded: 0,
    failed: 0,
    unexpected: 0,
    tokenRequests: 0,
    retries: 0,
    expiredSent: 0,
  };
}

// A terminal that can rewrite its last row; TERM=dumb (an editor's shell buffer) gets plain lines too.
const tty = process.stdout.isTTY === true && process.env['TERM'] !== 'dumb';
const tallies: Tally[] = [];
let retries = 0;

// A reader that went away (`| head`) is no failure: the rest of the output is dropped, and the exit
// code still says whether every guarantee held.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

function line(text: string): void {
  process.stdout.write(tty ? `\r\x1b[K${text}\n` : `${text}\n`);
}

/** Runs one phase: `play` sends requests through `send`; counters are taken around it. */
async function phase(
  lab: AuthLab,
  name: string,
  play: (send: (path: string) => Promise<void>) => Promise<void>,
) {
  const tally = emptyTally(name);
  const start = { tokens: lab.stats.tokenRequests, retries, expired: lab.stats.expiredTokenSeen };
  const update = (): void => {
    tally.tokenRequests = lab.stats.tokenRequests - start.tokens;
    tally.retries = retries - start.retries;
    tally.expiredSent = lab.stats.expiredTokenSeen - start.expired;
  };
  const progress = tty
    ? setInterval(() => {
        update();
        const text =
          `${name.padEnd(26)} sent ${tally.sent}  ok ${tally.succeeded}  failed ${tally.failed}  ` +
          `tokens ${tally.tokenRequests}  retries ${tally.retries}`;
        // Within one row: a wrapped line would leave its first row behind at every update.
        process.stdout.write(`\r\x1b[K${text.slice(0, (process.stdout.columns || 80) - 1)}`);
      }, 80)
    : undefined;
  const send = async (path: string): Promise<void> => {
    tally.sent += 1;
    try {
      await api.get(path);
      tally.succeeded += 1;
    } catch (error) {
      tally.failed += 1;
      if (!(error instanceof TokenRequestError)) tally.unexpected += 1;
    }
  };
  if (!tty) line(`▶ ${name}`);
  await play(send);
  clearInterval(progress);
  update();
  tallies.push(tally);
  line(
    `✔ ${name.padEnd(26)} sent ${tally.sent}, ok ${tally.succeeded}, failed ${tally.failed}, ` +
      `token requests ${tally.tokenRequests}, retries ${tally.retries}`,
  );
  return tally;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Both providers, half the requests each: `/api/rfc/...` and `/api/giga/...`. */
function burst(send: (path: string) => Promise<void>, size: number, tag: string): Promise<void[]> {
  return Promise.all(
    Array.from({ length: size }, (_, i) => send(`/api/${i % 2 === 0 ? 'rfc' : 'giga'}/${tag}/${i}`)),
  );
}

/** Small bursts every `everyMs` for `forMs`, each awaited so that the steady state is visible. */
async function trickle(send: (path: string) => Promise<void>, forMs: number, everyMs: number, tag: string) {
  const until = Date.now() + forMs;
  const running: Promise<unknown>[] = [];
  for (let round = 0; Date.now() < until; round += 1) {
    running.push(burst(send, 10, `${tag}${round}`));
    await sleep(everyMs);
  }
  await Promise.all(running);
}

let api: AxiosInstance;

async function main(): Promise<boolean> {
  const lab = await startAuthLab({ tokenLifetimeMs: TOKEN_LIFETIME_MS });
  try {
    // The lab is on this machine: an HTTP_PROXY in the environment must not get in the way.
    const direct = { proxy: false } as const;
    const rfc = clientCredentials({
      http: direct,
      tokenUrl: lab.tokenUrl('rfc6749'),
      clientId: DEFAULT_CLIENT.clientId,
      clientSecret: DEFAULT_CLIENT.clientSecret,
    });
    const giga = gigachat({
      http: direct,
      tokenUrl: lab.tokenUrl('gigachat'),
      clientId: DEFAULT_CLIENT.clientId,
      clientSecret: DEFAULT_CLIENT.clientSecret,
    });
    const manager = new TokenManager({
      onEvent: (event) => {
        if (event.type === 'retry') retries += 1;
      },
    });
    api = axios.create({ baseURL: lab.url, ...direct });
    attachTokenAuth(api, {
      manager,
      provider: (config) => (config.url?.startsWith('/api/giga/') ? giga : rfc),
    });

    line(`Loopback token server and API on ${lab.url}; tokens live ${TOKEN_LIFETIME_MS / 1000} s.`);
    const cold = await phase(lab, 'cold burst', (send) => burst(send, BURST, 'cold').then(() => undefined));
    const expiring = await phase(lab, `tokens expiring (${EXPIRING_MS / 1000} s)`, (send) =>
      trickle(send, EXPIRING_MS, 100, 'e'),
    );
    // Fresh tokens first, so that no background refresh overlaps the storm and the count is exact.
    await phase(lab, 'fresh tokens for the storm', async () => {
      await Promise.all([rfc, giga].map((provider) => manager.getToken(provider, { forceRefresh: true })));
    });
    const storm = await phase(lab, 'revoked-token 401 storm', async (send) => {
      lab.revokeAll();
      await burst(send, BURST, 'storm');
    });
    const outage = await phase(lab, 'token endpoint outage', async (send) => {
      lab.setTokenFault({ kind: 'down' });
      await trickle(send, 2_500, 100, 'o');
    });
    const recovery = await phase(lab, 'endpoint back', async (send) => {
      lab.setTokenFault(null);
      await trickle(send, 1_000, 100, 'r');
    });
    manager.dispose();

    printTable();
    const total = sum();
    const checks: [string, boolean][] = [
      ['cold burst: one token request per provider', cold.tokenRequests === 2 && cold.failed === 0],
      [
        'tokens refreshed before expiry: every request succeeded, no 401, one refresh per provider per half-life',
        expiring.failed === 0 &&
          expiring.retries === 0 &&
          refreshesWithin(expiring.tokenRequests, EXPIRING_MS),
      ],
      [
        '401 storm: one refresh per provider, each request retried once',
        storm.failed === 0 && storm.tokenRequests === 2 && storm.retries === storm.sent,
      ],
      ['outage: requests failed only with TokenRequestError', outage.unexpected === 0],
      ['endpoint back: every request succeeded', recovery.failed === 0],
      ['no expired token was ever sent', total.expiredSent === 0 && lab.stats.expiredTokenSeen === 0],
      [
        'the table counts every token request the server saw',
        total.tokenRequests === lab.stats.tokenRequests,
      ],
    ];
    line('');
    for (const [name, held] of checks) line(`${held ? '✔' : '✘'} ${name}`);
    return checks.every(([, held]) => held);
  } finally {
    await lab.close();
  }
}

function sum(): Tally {
  const total = emptyTally('total');
  for (const tally of tallies) {
    total.sent += tally.sent;
    total.succeeded += tally.succeeded;
    total.failed += tally.failed;
    total.unexpected += tally.unexpected;
    total.tokenRequests += tally.tokenRequests;
    total.retries += tally.retries;
    total.expiredSent += tally.expiredSent;
  }
  return total;
}

function printTable(): void {
  const header = [
    'phase',
    'requests sent',
    'succeeded',
    'failed',
    'token requests',
    'retries',
    'expired tokens sent',
  ];
  const rows = [...tallies, sum()].map((t) => [
    t.name,
    ...[t.sent, t.succeeded, t.failed, t.tokenRequests, t.retries, t.expiredSent].map(String),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const format = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  line('');
  line(format(header));
  line(widths.map((width) => '─'.repeat(width)).join('  '));
  rows.forEach((row, i) => {
    if (i === rows.length - 1) line(widths.map((width) => '─'.repeat(width)).join('  '));
    line(format(row));
  });
}

main().then(
  (held) => {
    line(held ? '\nEvery guarantee held.' : '\nA guarantee was broken.');
    process.exitCode = held ? 0 : 1;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
