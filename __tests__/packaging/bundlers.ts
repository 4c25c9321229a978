import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rollup } from 'rollup';
import webpack, { type Compilation, type Configuration } from 'webpack';

/** A bundle of an app's entry: the output, the package files it took and what the bundler warned. */
export interface Bundle {
  readonly code: string;
  /** Where it was written, if it was. */
  readonly path?: string;
  /** Files of the installed package that went in, relative to its directory (`dist/index.js`). */
  readonly files: readonly string[];
  readonly warnings: readonly string[];
}

const PACKAGE_DIR = 'node_modules/axios-token-flight/';

function packageFiles(paths: readonly string[]): string[] {
  return paths
    .map((path) => path.replace(/\\/g, '/'))
    .filter((path) => path.includes(PACKAGE_DIR))
    .map((path) => path.slice(path.lastIndexOf(PACKAGE_DIR) + PACKAGE_DIR.length))
    .sort();
}

export type WebpackTarget = 'web' | 'node';

/** A module of a compilation: a file (`resource`) or files webpack concatenated into one scope. */
interface CompiledModule {
  resource?: string;
  modules?: Iterable<CompiledModule>;
}

function resources(modules: Iterable<CompiledModule>): string[] {
  return [...modules].flatMap((module) => [
    ...(module.resource === undefined ? [] : [module.resource]),
    ...(module.modules === undefined ? [] : resources(module.modules)),
  ]);
}

/** The files that went into each entry of a compilation, by entry name. */
function filesByEntry(compilation: Compilation): Map<string, string[]> {
  const files = new Map<string, string[]>();
  for (const [name, entrypoint] of compilation.entrypoints) {
    const modules = entrypoint.chunks.flatMap((chunk) => compilation.chunkGraph.getChunkModules(chunk));
    files.set(name, packageFiles(resources(modules as CompiledModule[])));
  }
  return files;
}

/**
 * webpack 5 in production mode (minified, tree-shaken) the way an app builds each of `entries`
 * (files in `app`), in one compilation: for the web ES modules with axios external, for Node
 * CommonJS files requiring axios. The bundles by entry.
 */
export async function bundleWithWebpack(
  app: string,
  entries: readonly string[],
  target: WebpackTarget,
): Promise<Record<string, Bundle>> {
  const out = join(app, 'out', `webpack-${target}`);
  const names = new Map(entries.map((entry) => [entry.replace(/\W/g, '_'), entry]));
  // The app is an ES module package: a CommonJS output must say so by its extension.
  const extension = target === 'web' ? 'js' : 'cjs';
  const config: Configuration = {
    mode: 'production',
    context: app,
    target,
    entry: Object.fromEntries([...names].map(([name, entry]) => [name, `./${entry}`])),
    devtool: false,
    output: { path: out, filename: `[name].${extension}`, ...(target === 'web' ? { module: true } : {}) },
    ...(target === 'web'
      ? { experiments: { outputModule: true }, externalsType: 'module', externals: { axios: 'axios' } }
      : { externals: { axios: 'commonjs axios' } }),
  };
  const { warnings, files } = await new Promise<{ warnings: string[]; files: Map<string, string[]> }>(
    (resolve, reject) => {
      webpack(config, (error, stats) => {
        if (error || stats === undefined) return reject(error ?? new Error('webpack gave no stats'));
        const info = stats.toJson({ all: false, errors: true, warnings: true });
        if (stats.hasErrors()) return reject(new Error(info.errors?.map((e) => e.message).join('\n')));
        const messages = info.warnings?.map((warning) => warning.message) ?? [];
        // A throw in webpack's callback would leave this promise pending, and jest waiting.
        try {
          resolve({ warnings: messages, files: filesByEntry(stats.compilation) });
        } catch (failure) {
          reject(failure instanceof Error ? failure : new Error(String(failure)));
        }
      });
    },
  );
  const bundles: Record<string, Bundle> = {};
  for (const [name, entry] of names) {
    const path = join(out, `${name}.${extension}`);
    bundles[entry] = { code: await readFile(path, 'utf8'), path, files: files.get(name) ?? [], warnings };
  }
  return bundles;
}

/**
 * rollup 4 with @rollup/plugin-node-resolve (browser resolution) and @rollup/plugin-commonjs, axios
 * external, as an ES module; tree-shaken but not minified.
 */
export async function bundleWithRollup(app: string, entry: string): Promise<Bundle> {
  const warnings: string[] = [];
  const bundle = await rollup({
    input: join(app, entry),
    external: ['axios'],
    plugins: [nodeResolve({ browser: true }), commonjs()],
    onwarn: (warning) => warnings.push(`${warning.code ?? ''}: ${warning.message}`),
  });
  try {
    const { output } = await bundle.generate({ format: 'es' });
    return { code: output[0].code, files: packageFiles(bundle.watchFiles), warnings };
  } finally {
    await bundle.close();
  }
}
