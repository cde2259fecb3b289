/**
 * `npm run build`'s second step: the CLI's modules (dist/src/main.js and all it imports,
 * compiled by tsc) bundled into dist/src/main.bundle.cjs, which bin.js runs. Loading one file
 * instead of about 150 (and the dependencies' own files) is most of what a short run spent
 * before its work began.
 *
 *   node scripts/bundle.mjs [--out FILE]   (FILE beside main.js; default dist/src/main.bundle.cjs)
 *
 * The bundle is CommonJS so that bin.js can compile it through `vm.Script` with a V8 code cache
 * (src/code-cache.cts), which Node 20 offers for no ES module. Its first line is the SHA-256 of
 * the rest, which names its cache; the rest is the modules inside Node's CommonJS wrapper
 * (`(function (exports, require, module, __filename, __dirname) { … })`), so that V8 compiles
 * the text as read. Both bundles are ASCII only (./ascii-source.mjs): V8 then
 * holds each as a one-byte string. Dynamic `import()` becomes `require()`: code compiled by
 * `vm.Script` cannot import on Node 20, and every module it loads on demand has a CommonJS
 * form. A dependency's `import()` of one of Node's own modules (web-tree-sitter's `module` and
 * `fs/promises`) goes through a small module of its own, since esbuild's `require` for it would
 * meet the dependency's own local variable named `require`.
 *
 * Left out of the bundle, loaded from node_modules when a run needs them: jscodeshift (babel;
 * only for JavaScript build scripts), yaml (only for YAML files), toml-eslint-parser (only for
 * fly.toml) and @inquirer/prompts (only in the terminal review).
 *
 * Each module keeps its own `import.meta.url`: the bundle gives every module that reads it
 * the URL of its compiled file beside the bundle, so paths found from it (the package's
 * grammars/, package.json and README, the docker shim, files loaded by URL) are the same
 * bundled or not. Dependencies read it only to find their own files, which the code here
 * hands them (web-tree-sitter's runtime), so they get the bundle's URL.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import crypto from 'node:crypto';
import { builtinModules } from 'node:module';
import * as esbuild from 'esbuild';
import { asciiSource } from './ascii-source.mjs';

const REPO = path.resolve(import.meta.dirname, '..');
const ENTRY = path.join(REPO, 'dist/src/main.js');
export const LAZY = ['jscodeshift', 'yaml', '@inquirer/prompts', 'toml-eslint-parser'];

/** What both bundles (the CLI's and the analysis worker's) are built with. */
const COMMON = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // jsonc-parser's "main" is a UMD build that requires its parts at run time.
  mainFields: ['module', 'main'],
  // A package's exports as Node reads them (esbuild adds "module" unless told otherwise): a
  // require() gets the CommonJS build. dockerfile-ast's fourteen require()s of
  // vscode-languageserver-types each got a copy of the ES build's hundred exports, made at start.
  conditions: [],
  external: LAZY,
  legalComments: 'inline',
  metafile: true,
  logLevel: 'warning',
};

/**
 * One module per Node built-in that the modules import (`import fs from 'node:fs'`): its
 * default export is the built-in itself, and its named exports are the built-in's. Without it
 * a CommonJS bundle gives each importing module its own copy of the built-in's namespace, a
 * getter per export made at start (sixty-six copies, about 4% of a cold run's instructions);
 * with it there is one per built-in.
 */
const nodeBuiltins = {
  name: 'node-builtins',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind !== 'import-statement' || args.namespace === 'node-builtin' || !builtinModules.includes(args.path.replace(/^node:/, ''))) return undefined;
      return { path: args.path.replace(/^node:/, ''), namespace: 'node-builtin' };
    });
    build.onLoad({ filter: /.*/, namespace: 'node-builtin' }, (args) => {
      const id = JSON.stringify(`node:${args.path}`);
      return { contents: `export default require(${id});\nexport * from ${id};\n`, loader: 'js' };
    });
  },
};

/** Bundles dist/src/main.js into `outfile` (which must sit beside it); returns esbuild's metafile. */
export async function bundle(outfile = path.join(REPO, 'dist/src/main.bundle.cjs')) {
  const outDir = path.dirname(path.resolve(outfile));
  if (outDir !== path.dirname(ENTRY)) throw new Error(`the bundle must sit beside ${ENTRY}: module URLs are resolved from it`);
  if (!fs.existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: compile first (tsc -p tsconfig.build.json)`);
  // The wrapper bin.cjs's loader recognises, from the same compile as the modules.
  const { WRAPPER_HEAD, WRAPPER_TAIL } = (await import(pathToFileURL(path.join(REPO, 'dist/src/code-cache.cjs')).href)).default;
  const moduleUrl = {
    name: 'module-url',
    setup(build) {
      build.onLoad({ filter: /\.[cm]?js$/ }, async (args) => {
        const text = await fs.promises.readFile(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        const own = args.path.split(path.sep).includes('node_modules')
          ? '__bundleUrl'
          : `new URL(${JSON.stringify(path.relative(outDir, args.path).split(path.sep).join('/'))}, __bundleUrl).href`;
        return { contents: `var __moduleUrl = ${own};\n${text}`, loader: 'js', resolveDir: path.dirname(args.path) };
      });
    },
  };
  const nodeImports = {
    name: 'node-dynamic-imports',
    setup(build) {
      const builtin = (p) => builtinModules.includes(p.replace(/^node:/, ''));
      build.onResolve({ filter: /.*/ }, (args) => (args.kind === 'dynamic-import' && builtin(args.path) ? { path: args.path.replace(/^node:/, ''), namespace: 'node-import' } : undefined));
      build.onLoad({ filter: /.*/, namespace: 'node-import' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(`node:${args.path}`)});\n`, loader: 'js' }));
    },
  };
  const result = await esbuild.build({
    ...COMMON,
    entryPoints: [ENTRY],
    outfile,
    write: false,
    format: 'cjs',
    supported: { 'dynamic-import': false },
    define: { 'import.meta.url': '__moduleUrl' },
    // Strict, as the modules were: a banner before esbuild's own "use strict" would end the directive prologue.
    banner: { js: '"use strict";\nconst __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
    plugins: [moduleUrl, nodeImports, nodeBuiltins],
  });
  // Written inside Node's module wrapper, which src/code-cache.cts would otherwise add at each start (a copy of the whole text).
  const text = `${WRAPPER_HEAD}${asciiSource(result.outputFiles[0].text, 'script')}${WRAPPER_TAIL}`;
  const hash = crypto.createHash('sha256').update(text).digest('hex');
  fs.writeFileSync(outfile, `// multistage-codemod bundle sha256:${hash}\n${text}`);
  return result.metafile;
}

/**
 * Bundles the analysis worker (dist/src/analyze/analyse-worker.js, which every analysis thread
 * loads) into `outfile` beside it (default analyse-worker.bundle.js): a thread then loads one
 * file instead of about 150 (src/analyze/worker-module.ts chooses it). Every module in it
 * keeps the bundle's own URL, which is in the same folder as the compiled worker: the grammars
 * and the lazily loaded dependencies are found from it as from the modules. Returns esbuild's
 * metafile.
 */
export async function bundleWorker(outfile = path.join(REPO, 'dist/src/analyze/analyse-worker.bundle.js'), entry = path.join(REPO, 'dist/src/analyze/analyse-worker.js')) {
  if (path.dirname(path.resolve(outfile)) !== path.dirname(entry)) throw new Error(`the worker's bundle must sit beside ${entry}: files are found from its URL`);
  if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: compile first (tsc -p tsconfig.build.json)`);
  const result = await esbuild.build({
    ...COMMON,
    entryPoints: [entry],
    outfile,
    write: false,
    format: 'esm',
    // Our CommonJS modules (src/*.cts: the flags, the early WebAssembly start) require Node's
    // modules; an ES module has no `require` of its own, and esbuild's stand-in throws without one.
    banner: { js: 'import { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);' },
  });
  fs.writeFileSync(outfile, asciiSource(result.outputFiles[0].text, 'module'));
  return result.metafile;
}

/**
 * Bundles the walk's worker (dist/src/discover/walk-worker.js, src/discover/walk-thread.ts) into
 * `outfile` beside it (default walk-worker.bundle.js), as bundleWorker does the analysis
 * worker: the thread starts by loading one file.
 */
export async function bundleWalkWorker(outfile = path.join(REPO, 'dist/src/discover/walk-worker.bundle.js')) {
  return bundleWorker(outfile, path.join(REPO, 'dist/src/discover/walk-worker.js'));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  await bundle(values.out && path.resolve(values.out));
  await bundleWorker();
  await bundleWalkWorker();
}
