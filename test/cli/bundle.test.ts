/**
 * The bundled CLI (scripts/bundle.mjs, run by `npm run build`): one file that imports nothing
 * of its own, only Node's modules and the dependencies left out on purpose, and that behaves
 * exactly as the modules it was made from, also where a module finds files from its own URL
 * (package.json for --version, the README for SARIF help, the grammars) and where a dependency
 * is loaded on demand (jscodeshift, yaml). And bin.js's choice between the bundle and the
 * modules: the bundle only when it is at least as new as main.js.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WRAPPER_HEAD, WRAPPER_TAIL } from '../../src/code-cache.cjs';
import { binCopy } from '../support/bin-copy.js';
import { FIXTURES } from '../support/tree.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const DIST = path.join(REPO, 'dist/src');
// Beside main.js, under a name of its own: the build's main.bundle.js may be in use by other tests.
const OUT = path.join(DIST, `main.bundle-test-${process.pid}.cjs`);
let meta: { outputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[] }>; inputs: Record<string, { imports?: { path: string; kind: string; external?: boolean }[] }> };

function run(entry: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [entry, ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, input: '' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  const { bundle } = (await import(path.join(REPO, 'scripts/bundle.mjs'))) as { bundle: (out: string) => Promise<typeof meta> };
  meta = await bundle(OUT);
}, 120_000);

afterAll(() => fs.rmSync(OUT, { force: true }));

describe('bundled CLI', () => {
  it('is one file: every import is a Node module or a dependency loaded on demand', async () => {
    const { LAZY } = (await import(path.join(REPO, 'scripts/bundle.mjs'))) as { LAZY: string[] };
    const output = Object.values(meta.outputs)[0]!;
    const imports = [...new Set(output.imports.map((i) => i.path))];
    expect(imports.filter((p) => !builtinModules.includes(p.replace(/^node:/, '')) && !LAZY.includes(p))).toEqual([]);
    expect(output.imports.every((i) => i.external)).toBe(true);
    // The CLI's own modules went in: the readers, the planner, the transforms.
    const inputs = Object.keys(meta.inputs);
    for (const m of ['dist/src/analyze/tree-sitter.js', 'dist/src/plan/index.js', 'dist/transforms/dockerfile-merge.js']) expect(inputs).toContain(m);
    // A dependency's require() of a package gets that package's CommonJS build, as under Node:
    // dockerfile-ast requires vscode-languageserver-types, whose exports offer an ES build too.
    const lsp = inputs.filter((i) => i.includes('node_modules/vscode-languageserver-'));
    expect(lsp.length).toBeGreaterThan(0);
    expect(lsp.filter((i) => !i.includes('/lib/umd/'))).toEqual([]);
    // A module's import of a Node built-in goes through the one module made for that built-in
    // (one copy of its exports for the whole bundle, not one per importing module).
    const builtin = (p: string) => builtinModules.includes(p.replace(/^node:/, ''));
    const direct = Object.entries(meta.inputs).filter(([f, i]) => !f.startsWith('node-builtin:') && (i.imports ?? []).some((m) => m.kind === 'import-statement' && builtin(m.path)));
    expect(direct.map(([f]) => f)).toEqual([]);
    expect(inputs).toContain('node-builtin:fs');
    // ASCII only: one other character made V8 hold all of it as a two-byte string.
    expect(/^[\x00-\x7f]*$/.test(fs.readFileSync(OUT, 'utf8'))).toBe(true);
  });

  it('loads a dependency it loads on demand only when a run needs it (a shell-only repository needs none)', async () => {
    const { LAZY } = (await import(path.join(REPO, 'scripts/bundle.mjs'))) as { LAZY: string[] };
    const loaded = (fixture: string) => {
      const out = path.join(os.tmpdir(), `msc-loaded-${process.pid}.json`);
      const r = spawnSync(process.execPath, ['-r', path.join(REPO, 'test/support/loaded-files.cjs'), OUT, path.join(FIXTURES, fixture, 'before'), '--dry-run'], { encoding: 'utf8', env: { ...process.env, LOADED_FILES_OUT: out } });
      expect(r.status, r.stderr).toBe(0);
      const files = JSON.parse(fs.readFileSync(out, 'utf8')) as string[];
      fs.rmSync(out);
      return LAZY.filter((dep) => files.some((f) => f.includes(`${path.sep}node_modules${path.sep}${dep.split('/').join(path.sep)}${path.sep}`)));
    };
    expect(loaded('href-counter-printed')).toEqual([]);
    // The check sees a load: a JavaScript build script needs jscodeshift, a workflow needs yaml.
    expect(loaded('js-build-script')).toContain('jscodeshift');
    expect(loaded('github-actions')).toContain('yaml');
  });

  it.each([
    ['href-counter-printed', ['--dry-run']],
    ['js-build-script', ['--dry-run']],
    ['github-actions', ['--dry-run', '--json']],
    ['makefile-targets', ['--dry-run']],
    ['refuse-dynamic-artifact-path', ['--check', '--format', 'sarif']],
  ])('%s %s: the same output, exit code and errors as the modules', (fixture, args) => {
    const root = path.relative(REPO, path.join(FIXTURES, fixture, 'before'));
    const modules = run(path.join(DIST, 'main.js'), [root, ...args]);
    const bundled = run(OUT, [root, ...args]);
    expect(bundled).toEqual(modules);
    expect(modules.stdout.length).toBeGreaterThan(100);
  });

  it("gives each of its modules that reads import.meta.url that module's own URL (the docker shim is found from it)", () => {
    const text = fs.readFileSync(OUT, 'utf8');
    const readers = Object.keys(meta.inputs).filter((f) => f.startsWith('dist/') && fs.readFileSync(path.join(REPO, f), 'utf8').includes('import.meta.url'));
    expect(readers).toContain('dist/src/verify/shim-env.js');
    for (const f of readers) expect(text, f).toContain(`new URL(${JSON.stringify(path.relative('dist/src', f))}, __bundleUrl).href`);
    // No module reads it any more: the bundle is CommonJS and finds its own URL from __filename.
    expect(text).not.toContain('import.meta.url');
    // Inside the wrapper bin.cjs's loader compiles as read (src/code-cache.cts WRAPPER_HEAD).
    expect(text.split('\n').slice(1, 3)).toEqual([`${WRAPPER_HEAD}"use strict";`, 'const __bundleUrl = require("node:url").pathToFileURL(__filename).href;']);
    expect(text.endsWith(WRAPPER_TAIL)).toBe(true);
  });

  it('analyses on worker threads from the bundle too (the worker module is found from its own URL)', () => {
    const root = path.relative(REPO, path.join(FIXTURES, 'href-counter-printed', 'before'));
    const env = { MULTISTAGE_CODEMOD_WORKERS: '2' };
    const bundled = run(OUT, [root, '--dry-run'], env);
    expect(bundled).toEqual(run(path.join(DIST, 'main.js'), [root, '--dry-run'], env));
    expect(bundled.code).toBe(0);
    expect(bundled.stdout).toContain('COPY --from=builder');
  });

  it('--version reads the package version from the bundle too', () => {
    const version = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).version;
    expect(run(OUT, ['--version']).stdout).toBe(`${version}\n`);
  });
});

describe("the analysis worker's bundle", () => {
  // Beside analyse-worker.js, under a name of its own: the build's bundle may be in use by other tests.
  const out = path.join(DIST, 'analyze', `analyse-worker.bundle-test-${process.pid}.js`);
  let workerMeta: typeof meta;
  beforeAll(async () => {
    const { bundleWorker } = (await import(path.join(REPO, 'scripts/bundle.mjs'))) as { bundleWorker: (out: string) => Promise<typeof meta> };
    workerMeta = await bundleWorker(out);
  }, 120_000);
  afterAll(() => fs.rmSync(out, { force: true }));

  it('is one file holding the analysis: every import is a Node module or a dependency loaded on demand', async () => {
    const { LAZY } = (await import(path.join(REPO, 'scripts/bundle.mjs'))) as { LAZY: string[] };
    const output = Object.values(workerMeta.outputs)[0]!;
    expect([...new Set(output.imports.map((i) => i.path))].filter((p) => !builtinModules.includes(p.replace(/^node:/, '')) && !LAZY.includes(p))).toEqual([]);
    expect(output.imports.filter((i) => LAZY.includes(i.path) && i.kind === 'import-statement')).toEqual([]);
    const inputs = Object.keys(workerMeta.inputs);
    for (const m of ['dist/src/analyze/analyse-worker.js', 'dist/src/analyze/tree-sitter.js', 'dist/src/analyze/transfer.js', 'dist/src/kinds/registry.js']) expect(inputs).toContain(m);
    // The planner stays out: a worker only analyses.
    expect(inputs).not.toContain('dist/src/plan/index.js');
    expect(/^[\x00-\x7f]*$/.test(fs.readFileSync(out, 'utf8'))).toBe(true);
  });

  it('analyses as the modules do: a pool of its threads gives the plan one thread gives', { timeout: 120_000 }, async () => {
    const { AnalysePool } = await import('../../src/analyze/analyse-pool.js');
    const { analyze, assemble, followCallers } = await import('../../src/analyze/index.js');
    const { NodeRepoFs } = await import('../../src/discover/node-fs.js');
    const { walk } = await import('../../src/discover/walk.js');
    const { planMigration } = await import('../../src/plan/index.js');
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-worker-bundle-'));
    // Shell, Makefile, package.json, CI YAML (yaml loaded on demand) and a JavaScript build script (jscodeshift).
    for (const f of ['href-counter-printed', 'makefile-targets', 'github-actions', 'js-build-script']) fs.cpSync(path.join(FIXTURES, f, 'before'), path.join(root, f), { recursive: true });
    const fsys = new NodeRepoFs(root);
    const walked = walk(root, { repoFs: fsys });
    const pool = new AnalysePool(fsys, 2, undefined, (f) => f(), pathToFileURL(out));
    for (const rel of walked.files) pool.add([[rel, fsys.readText(rel)!]]);
    const { analysed, dockerfiles } = await pool.finish(walked.files);
    followCallers(fsys, walked.files, walked.quiet, analysed, dockerfiles);
    const threaded = planMigration(assemble(walked.files, analysed, dockerfiles, fsys), fsys, { stageName: 'builder' });
    const oneFs = new NodeRepoFs(root);
    const one = walk(root, { repoFs: oneFs });
    const single = planMigration(analyze(oneFs, one.files, undefined, one.quiet), oneFs, { stageName: 'builder' });
    expect(pool.handedOut).toBeGreaterThan(0);
    expect(JSON.stringify(threaded)).toBe(JSON.stringify(single));
    expect(single.setups.filter((s) => s.status === 'migrate').length).toBeGreaterThanOrEqual(3);
  });
});

describe("the walk worker's bundle", () => {
  // Beside walk-worker.js, under a name of its own: the build's bundle may be in use by other tests.
  const out = path.join(DIST, 'discover', `walk-worker.bundle-test-${process.pid}.js`);
  let workerMeta: typeof meta;
  beforeAll(async () => {
    const { bundleWalkWorker } = (await import(path.join(REPO, 'scripts/bundle.mjs'))) as { bundleWalkWorker: (out: string) => Promise<typeof meta> };
    workerMeta = await bundleWalkWorker(out);
  }, 120_000);
  afterAll(() => fs.rmSync(out, { force: true }));

  it('is one file holding the walk: every import is a Node module or a dependency loaded on demand', async () => {
    const { LAZY } = (await import(path.join(REPO, 'scripts/bundle.mjs'))) as { LAZY: string[] };
    const output = Object.values(workerMeta.outputs)[0]!;
    expect([...new Set(output.imports.map((i) => i.path))].filter((p) => !builtinModules.includes(p.replace(/^node:/, '')) && !LAZY.includes(p))).toEqual([]);
    const inputs = Object.keys(workerMeta.inputs);
    for (const m of ['dist/src/discover/walk-worker.js', 'dist/src/discover/walk.js', 'dist/src/discover/gitignore.js']) expect(inputs).toContain(m);
    // The analysis and the planner stay out: the worker only walks.
    for (const m of ['dist/src/analyze/index.js', 'dist/src/plan/index.js']) expect(inputs).not.toContain(m);
    expect(/^[\x00-\x7f]*$/.test(fs.readFileSync(out, 'utf8'))).toBe(true);
  });

  it('walks as the modules do', { timeout: 120_000 }, async () => {
    const { WalkThread } = await import('../../src/discover/walk-thread.js');
    const { walk } = await import('../../src/discover/walk.js');
    const root = path.join(FIXTURES, 'js-build-script', 'before');
    const thread = new WalkThread(root, [], pathToFileURL(out));
    const texts: string[] = [];
    for (let m = await thread.next(); m !== null; m = await thread.next()) {
      if (m.type === 'texts') texts.push(...m.texts.map(([rel]) => rel));
      if (m.type !== 'done') continue;
      expect(m.result).toEqual(walk(root));
      expect(texts).toEqual(m.result.files);
      break;
    }
    expect(texts.length).toBeGreaterThan(0);
  });

  it('is found by the bundled CLI from its own URL (MULTISTAGE_CODEMOD_WORKERS=walk)', () => {
    const root = path.relative(REPO, path.join(FIXTURES, 'href-counter-printed', 'before'));
    const env = { MULTISTAGE_CODEMOD_WORKERS: 'walk', MULTISTAGE_CODEMOD_TIMING: '1' };
    const bundled = run(OUT, [root, '--dry-run'], env);
    expect(bundled.stderr).toContain('discover ran on a worker thread');
    expect(bundled.stdout).toBe(run(path.join(DIST, 'main.js'), [root, '--dry-run'], {}).stdout);
    expect(bundled.stdout).toContain('COPY --from=builder');
  });
});

describe('the executable (bin.cjs, and bin.js that runs it)', () => {
  const copy = (mtimes: { bundle?: number; modules?: number }, entry = 'bin.cjs') => {
    const files: Record<string, { text: string; mtime: number }> = {};
    for (const [name, file] of [['bundle', 'main.bundle.cjs'], ['modules', 'main.js']] as const) {
      const t = mtimes[name];
      if (t !== undefined) files[file] = { text: `process.stdout.write(${JSON.stringify(name)});\n`, mtime: t };
    }
    const dir = binCopy(files);
    const r = spawnSync(process.execPath, [path.join(dir, entry)], { encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true, force: true });
    return r.stdout;
  };

  it('runs the bundle when it is as new as main.js or newer, else the modules (a build that did not bundle again)', () => {
    expect(copy({ bundle: 2000, modules: 1000 })).toBe('bundle');
    // npm pack gives every file the same time.
    expect(copy({ bundle: 1000, modules: 1000 })).toBe('bundle');
    expect(copy({ bundle: 1000, modules: 2000 })).toBe('modules');
    expect(copy({ modules: 1000 })).toBe('modules');
    expect(copy({ bundle: 2000, modules: 1000 }, 'bin.js')).toBe('bundle');
    expect(copy({ bundle: 1000, modules: 2000 }, 'bin.js')).toBe('modules');
  });

  it("is CommonJS: a dry run starts without Node's ES module loader, its package-exports resolver or the promise-based fs", () => {
    const bin = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).bin['multistage-codemod'] as string;
    expect(bin).toBe('dist/src/bin.cjs');
    const loaded = (entry: string) => {
      const out = path.join(os.tmpdir(), `msc-builtins-${process.pid}.json`);
      const root = path.join(FIXTURES, 'href-counter-printed', 'before');
      const r = spawnSync(process.execPath, ['-r', path.join(REPO, 'test/support/loaded-builtins.cjs'), path.join(REPO, entry), root, '--dry-run'], { encoding: 'utf8', env: { ...process.env, LOADED_BUILTINS_OUT: out } });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('COPY --from=builder');
      const list = JSON.parse(fs.readFileSync(out, 'utf8')) as string[];
      fs.rmSync(out);
      return ['internal/modules/esm/translators', 'internal/modules/esm/resolve', 'internal/fs/promises'].filter((m) => list.includes(`NativeModule ${m}`));
    };
    expect(loaded(bin)).toEqual([]);
    // The check sees them: an ES module entry point loads all three.
    expect(loaded('dist/src/bin.js')).toEqual(['internal/modules/esm/translators', 'internal/modules/esm/resolve', 'internal/fs/promises']);
  });
});
