import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';

// The README's TypeScript examples, type-checked against the sources under the strictest settings a
// user may have, with each entry point mapped to its source file.
jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '..');

const ENTRIES: Readonly<Record<string, string>> = {
  'axios-token-flight': 'src/index.ts',
  'axios-token-flight/redis': 'src/redis.ts',
  'axios-token-flight/browser': 'src/browser.ts',
};

/** What the examples take for granted without importing or declaring it. */
const ASSUMED = `
declare const axios: typeof import('axios').default;
declare const attachTokenAuth: typeof import('axios-token-flight').attachTokenAuth;
declare const gigachat: typeof import('axios-token-flight').gigachat;
declare const TokenRequestError: typeof import('axios-token-flight').TokenRequestError;
declare const setupCache: typeof import('axios-cache-interceptor').setupCache;
declare const axiosRetry: typeof import('axios-retry').default;
declare const api: import('axios').AxiosInstance;
declare const provider: import('axios-token-flight').TokenProvider;
declare const baseURL: string;
declare const tokenUrl: string;
declare const clientId: string;
declare const clientSecret: string;
declare const credentials: string;
declare function alertOps(message: string): void;
`;

interface Example {
  /** Where the code starts, for messages: `README.md:12`. */
  readonly where: string;
  readonly line: number;
  readonly code: string;
}

function readmeExamples(): Example[] {
  const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
  const fence = /^( *)```ts\n([\s\S]*?)^\1```/gm;
  const examples: Example[] = [];
  for (const match of readme.matchAll(fence)) {
    const indent = match[1]!.length;
    const code = match[2]!
      .split('\n')
      .map((line) => line.slice(indent))
      .join('\n');
    const line = readme.slice(0, match.index).split('\n').length + 1;
    examples.push({ where: 'README.md', line, code });
  }
  return examples;
}

function typeErrors(examples: readonly Example[], resolution: 'node16' | 'bundler'): string[] {
  const files = new Map<string, string>([[resolve(ROOT, 'readme-assumed.d.ts'), ASSUMED]]);
  const origins = new Map<string, Example>();
  examples.forEach((example, index) => {
    const name = resolve(ROOT, `example-${index}.ts`);
    // `export {}`: every example is a module of its own, so their names do not clash.
    files.set(name, `${example.code}\nexport {};\n`);
    origins.set(name, example);
  });
  const options: ts.CompilerOptions = {
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    skipLibCheck: true,
    noEmit: true,
    baseUrl: ROOT,
    paths: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, [file]])),
    ...(resolution === 'node16'
      ? { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 }
      : { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler }),
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => files.has(name) || fileExists.call(host, name);
  host.readFile = (name) => files.get(name) ?? readFile.call(host, name);
  host.getSourceFile = (name, version, ...rest) => {
    const text = files.get(name);
    return text === undefined
      ? getSourceFile.call(host, name, version, ...rest)
      : ts.createSourceFile(name, text, version);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file !== undefined && origins.has(diagnostic.file.fileName))
    .map((diagnostic) => {
      const file = diagnostic.file!;
      const example = origins.get(file.fileName)!;
      const { line } = file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
      return `${example.where}:${example.line + line}: ${text}`;
    });
}

describe('README examples', () => {
  const examples = readmeExamples();

  it('are found', () => {
    expect(examples.length).toBeGreaterThanOrEqual(10);
  });

  it.each(['node16', 'bundler'] as const)(
    'type-check with strict, exactOptionalPropertyTypes and moduleResolution %s',
    (resolution) => {
      expect(typeErrors(examples, resolution)).toEqual([]);
    },
  );
});

// Options are often filled from configuration: an option given as `undefined` means its default,
// under `exactOptionalPropertyTypes` too, as the providers' options already allow.
const EXPLICIT_UNDEFINED = `
import { attachTokenAuth, parseTokenResponse, MemoryTokenStore, TokenManager } from 'axios-token-flight';
import { RedisTokenStore } from 'axios-token-flight/redis';
import { BroadcastTokenStore } from 'axios-token-flight/browser';
declare const unset: undefined;
const manager = new TokenManager({
  refreshSkewMs: unset, minValidityMs: unset, defaultTtlMs: unset, maxTtlMs: unset,
  failureCooldownMs: unset, store: unset, onEvent: unset, now: unset,
});
void manager.getToken(provider, { forceRefresh: unset, signal: unset });
attachTokenAuth(api, { provider, manager: unset, retryOnStatus: unset, origins: unset, header: unset, scheme: unset });
void api.get('/', { tokenAuth: unset });
void api.get('/', { tokenAuth: { provider: unset } });
const custom: import('axios-token-flight').TokenProvider = {
  key: 'custom',
  fetchToken: async () => ({ accessToken: 'a', tokenType: 'Bearer', expiresAt: null, scope: unset, raw: {} }),
};
// A provider wrapping another hands on the context it was given, optional fields and all.
const forwarding: import('axios-token-flight').TokenProvider = {
  key: 'forwarding',
  fetchToken: ({ signal, background, maxTtlMs }) => custom.fetchToken({ signal, background, maxTtlMs }),
};
void forwarding.fetchToken({ signal: unset, background: unset, maxTtlMs: unset });
parseTokenResponse('{}', {
  receivedAt: unset, sentAt: unset, serverDate: unset, maxTtlMs: unset, providerKey: unset,
  endpoint: unset, status: unset, contentType: unset, secrets: unset,
});
new MemoryTokenStore({ now: unset });
declare const redis: import('axios-token-flight/redis').RedisClient;
new RedisTokenStore(redis, {
  prefix: unset, lockTtlMs: unset, waitTimeoutMs: unset, timeoutMs: unset, pollIntervalMs: unset,
  encryptionKey: unset,
});
new BroadcastTokenStore({ channel: unset, lockTimeoutMs: unset, askTimeoutMs: unset, locks: unset, now: unset });
`;

describe('option interfaces', () => {
  it('accept an explicit undefined for every optional option', () => {
    const example = { where: 'explicit-undefined.ts', line: 1, code: EXPLICIT_UNDEFINED };
    expect(typeErrors([example], 'bundler')).toEqual([]);
  });
});

describe('every export', () => {
  it('has a doc comment', () => {
    const entries = [...new Set(Object.values(ENTRIES))].map((file) => resolve(ROOT, file));
    const program = ts.createProgram(entries, {
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      noEmit: true,
      skipLibCheck: true,
    });
    const checker = program.getTypeChecker();
    const undocumented: string[] = [];
    for (const entry of entries) {
      const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
      for (const exported of checker.getExportsOfModule(module)) {
        const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
        if (ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() === '') {
          undocumented.push(exported.name);
        }
      }
    }
    expect(undocumented).toEqual([]);
  });
});
