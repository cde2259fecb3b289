/**
 * The package as shipped: a LICENSE, no source maps (they would point at sources the package
 * does not ship), the files list and exports in place; the tool's own multi-stage Dockerfile
 * is valid, and a sweep of this repository does not take it (or its ignore file) for part of
 * a builder-pattern setup.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { runRoot } from '../../src/pipeline.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));

describe('packaging', () => {
  it('ships an MIT LICENSE matching package.json, and builds without source maps', () => {
    expect(pkg.license).toBe('MIT');
    const license = fs.readFileSync(path.join(REPO, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} multistage-codemod contributors\n/);
    const build = JSON.parse(fs.readFileSync(path.join(REPO, 'tsconfig.build.json'), 'utf8'));
    expect(build.compilerOptions.sourceMap).toBe(false);
    expect(pkg.files).toContain('!dist/**/*.map');
    expect(pkg.engines.node).toBe('>=20');
    expect(pkg.exports['.']).toEqual({ types: './dist/src/api.d.ts', default: './dist/src/api.js' });
  });

  it('has a valid multi-stage Dockerfile for the tool itself', () => {
    const text = fs.readFileSync(path.join(REPO, 'Dockerfile'), 'utf8');
    expect(validate(text).filter((d) => d.severity === 1)).toEqual([]);
    const froms = DockerfileParser.parse(text).getFROMs();
    expect(froms.map((f) => f.getBuildStage())).toEqual(['build', null]);
    expect(text).toContain('COPY --from=build /app/dist ./dist');
    expect(text).toContain('ENTRYPOINT ["node", "/app/dist/src/bin.js"]');
    // The parsers' WebAssembly grammars are read at run time from /app/grammars; nothing is compiled.
    expect(text).toContain('COPY grammars ./grammars');
    expect(text).toContain('npm ci --ignore-scripts');
    expect(text).not.toMatch(/\b(g\+\+|gcc|python3|build-essential)\b/);
  });

  it('a sweep of this repository leaves its own Dockerfile and ignore file alone', () => {
    const run = runRoot(REPO, { stageName: 'builder', ignore: ['fixtures/', 'test/', 'bench/', 'dist/'] });
    expect(run.plan.setups).toEqual([]);
    expect(run.plan.changes).toEqual([]);
    const all = runRoot(REPO, { stageName: 'builder', ignore: ['dist/'] });
    // example repositories: the fixtures, and the fuzzer's findings waiting for their fix
    const example = (p: string) => p.startsWith('fixtures/') || p.startsWith('test/fuzz/found/');
    for (const s of all.plan.setups) {
      expect([s.builderDockerfile, s.runtimeDockerfile]).not.toContain('Dockerfile');
      expect(example(s.id), s.id).toBe(true);
    }
    expect(all.plan.changes.map((c) => c.path).filter((p) => !example(p))).toEqual([]);
  });
});
