import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** Token URLs of the presets: none may survive in a bundle that does not use them. */
// Run from the package root (npm scripts and jest do); works under both ESM (tsx) and jest's CommonJS.
const ROOT = process.cwd();

export const PRESET_MARKERS = ['sberbank.ru', 'brainysoft.ru', 'chatlayer.ai', 'bog.ge'];

export interface SizeReport {
  /** The imported names. */
  readonly names: readonly string[];
  readonly minifiedBytes: number;
  readonly gzipBytes: number;
  /** The minified bundle itself. */
  readonly code: string;
}

/** Minified and gzipped size of an ESM browser bundle of `source` (axios external), resolved from the root. */
export async function measureSource(
  source: string,
): Promise<{ code: string; minifiedBytes: number; gzipBytes: number }> {
  const result = await build({
    stdin: { contents: source, resolveDir: ROOT, loader: 'ts', sourcefile: 'entry.ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external: ['axios'],
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text ?? '';
  return { code, minifiedBytes: Buffer.byteLength(code), gzipBytes: gzipSync(code, { level: 9 }).length };
}

/**
 * Bundles an application importing `names` from the package source the way a browser app would
 * (esbuild, minified ESM, axios external) and measures it.
 */
export async function measureBundle(
  names: readonly string[] = ['attachTokenAuth', 'clientCredentials'],
  entry = resolve(ROOT, 'src/index.ts'),
): Promise<SizeReport> {
  return { names, ...(await measureSource(`export { ${names.join(', ')} } from ${JSON.stringify(entry)};`)) };
}

async function main(): Promise<void> {
  for (const names of [
    ['attachTokenAuth', 'clientCredentials'],
    ['attachTokenAuth', 'gigachat'],
    ['BroadcastTokenStore'],
  ]) {
    const entry = names[0] === 'BroadcastTokenStore' ? resolve(ROOT, 'src/browser.ts') : undefined;
    const report = await measureBundle(names, entry);
    const presets = PRESET_MARKERS.filter((marker) => report.code.includes(marker));
    console.log(
      `${names.join(' + ').padEnd(40)} ${String(report.minifiedBytes).padStart(6)} B min  ` +
        `${String(report.gzipBytes).padStart(5)} B min+gzip  presets bundled: ${presets.join(', ') || 'none'}`,
    );
  }
}

if (process.argv[1] !== undefined && /size\.ts$/.test(process.argv[1])) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
