/**
 * --ignore is a promise never to change a matching file: a setup whose migration would rewrite,
 * delete or create one is refused (IGNORED_PATH), whichever way it is planned (first, or again
 * for the setups the review or the API leaves as they are).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { plan } from '../../src/api.js';
import { runRoot } from '../../src/pipeline.js';
import { ignorePatterns, ignoringPattern } from '../../src/plan/ignored-paths.js';
import { FIXTURES, writeTemp } from '../support/tree.js';

const example = () => path.join(FIXTURES, 'href-counter', 'before');

function errors(dir: string, ignore: string[]) {
  const run = runRoot(dir, { stageName: 'builder', ignore });
  return {
    statuses: run.plan.setups.map((s) => s.status),
    errors: run.plan.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.file}: ${d.message}`)),
    changes: run.plan.changes.map((c) => c.path),
  };
}

describe('ignoringPattern', () => {
  const at = (patterns: string[], rel: string) => ignoringPattern(ignorePatterns(patterns), rel);

  it('names the pattern that leaves a file out, as written', () => {
    expect(at(['Dockerfile.build'], 'Dockerfile.build')).toBe('Dockerfile.build');
    expect(at(['*.build'], 'svc/Dockerfile.build')).toBe('*.build');
    expect(at(['/Dockerfile.build'], 'svc/Dockerfile.build')).toBeNull();
    expect(at([], 'Dockerfile')).toBeNull();
  });

  it('the last matching pattern decides, and a folder left out leaves out all in it', () => {
    expect(at(['Dockerfile*', '!Dockerfile'], 'Dockerfile')).toBeNull();
    expect(at(['Dockerfile*', '!Dockerfile'], 'Dockerfile.build')).toBe('Dockerfile*');
    expect(at(['docker/'], 'docker/build/Dockerfile.build')).toBe('docker/');
    // As in git and the walk: nothing takes back a file of a folder left out.
    expect(at(['docker/', '!docker/Dockerfile'], 'docker/Dockerfile')).toBe('docker/');
    expect(at(['docker/'], 'docker')).toBeNull(); // a file named like the folder pattern
  });
});

describe('a setup that would change an ignored file', () => {
  it('is refused when the builder Dockerfile it would delete is ignored', () => {
    const r = errors(example(), ['Dockerfile.build']);
    expect(r.statuses).toEqual(['refused']);
    expect(r.changes).toEqual([]);
    expect(r.errors).toEqual([expect.stringMatching(/^IGNORED_PATH Dockerfile\.build: the migration would delete Dockerfile\.build, which --ignore Dockerfile\.build leaves out/)]);
  });

  it('is refused when the runtime Dockerfile or compose file it would rewrite is ignored; other patterns change nothing', () => {
    expect(errors(example(), ['/Dockerfile']).errors).toEqual([expect.stringMatching(/^IGNORED_PATH Dockerfile: the migration would rewrite Dockerfile, which --ignore \/Dockerfile leaves out/)]);
    expect(errors(example(), ['*', '!build.sh']).errors.map((e) => e.split(':')[0])).toEqual(['IGNORED_PATH Dockerfile', 'IGNORED_PATH Dockerfile.build']);
    expect(errors(example(), ['Dockerfile*', '!Dockerfile', '!Dockerfile.build', 'docs/'])).toMatchObject({ statuses: ['migrate'], errors: [] });
    const compose = errors(path.join(FIXTURES, 'compose-builder', 'before'), ['docker-compose*.yml']);
    expect(compose).toMatchObject({ statuses: ['refused'], changes: [] });
    expect(compose.errors).toEqual([expect.stringMatching(/^IGNORED_PATH docker-compose\.yml: the migration would rewrite docker-compose\.yml, which --ignore 'docker-compose\*\.yml' leaves out/)]);
  });

  it('stays refused when the API plans again for setups left as they are', async () => {
    const files: Record<string, string> = {};
    for (const svc of ['api', 'worker']) for (const f of fs.readdirSync(example())) files[`${svc}/${f}`] = fs.readFileSync(path.join(example(), f), 'utf8');
    const dir = writeTemp(files);
    const p = await plan(dir, { ignore: ['api/Dockerfile.build'], leave: [`${dir}/worker/build.sh:4`] });
    expect(p.setups.map((s) => [path.relative(dir, s.script), s.status])).toEqual([['api/build.sh', 'refused'], ['worker/build.sh', 'skipped']]);
    expect(p.changes).toEqual([]);
  });
});

/** The shape of a setup whose artifact another file uses: build.sh extracts dist/relay and builds the runtime image. */
const RELAY: Record<string, string> = {
  'build.sh': '#!/bin/sh\nset -e\ndocker build -t example/relay:build -f Dockerfile.build .\ndocker create --name relay-extract example/relay:build\nmkdir -p dist\ndocker cp relay-extract:/out/relay dist/relay\ndocker rm relay-extract\ndocker build -t example/relay:latest .\n',
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/relay .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY dist/relay /usr/local/bin/relay\nCMD ["/usr/local/bin/relay"]\n',
  'main.go': 'package main\n\nfunc main() {}\n',
};

describe('an ignored file still runs: its uses of what a migration removes count', () => {
  const planned = (extra: Record<string, string>, ignore: string[]) => {
    const run = runRoot(writeTemp({ ...RELAY, ...extra }), { stageName: 'builder', ignore });
    const setup = run.plan.setups.find((s) => s.script === 'build.sh')!;
    return { setup, errors: setup.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.file}:${d.line}`), build: run.plan.changes.find((c) => c.path === 'build.sh')?.after ?? null };
  };
  const pkg = { 'package.json': '{\n  "name": "svc",\n  "scripts": {\n    "image": "./build.sh && sha256sum dist/relay > relay.sha256"\n  }\n}\n' };

  it('an ignored package.json that runs the script and reads its artifact keeps the artifact on the host', () => {
    const read = planned(pkg, []);
    const ignored = planned(pkg, ['package.json']);
    const exported = 'docker build --target export --output type=local,dest=dist';
    expect(read.build).toContain(exported);
    expect(ignored.errors).toEqual([]);
    expect(ignored.setup.notes).toContainEqual(expect.stringMatching(/^dist\/relay is still needed on the host: package\.json:4 .*--ignore pattern leaves out/));
    expect(ignored.build).toContain(exported);
  });

  it('an ignored script naming the extraction container refuses the setup, as an unreadable one does', () => {
    const r = planned({ 'logs.sh': '#!/bin/sh\ndocker logs relay-extract > extract.log\n' }, ['logs.sh']);
    expect(r.errors).toEqual(['REMOVED_NAME_USED logs.sh:2']);
  });

  it('an ignored script using the builder image by its tag keeps the builder build', () => {
    const r = planned({ 'scan.sh': '#!/bin/sh\ndocker run --rm example/relay:build go vet ./...\n' }, ['scan.sh']);
    expect(r.errors).toEqual([]);
    expect(r.build).toContain('--target builder -t example/relay:build');
  });

  it('a folder --ignore leaves out is not entered, so nothing in it is searched', () => {
    const r = planned({ 'vendor/tools/package.json': pkg['package.json'] }, ['vendor/']);
    expect(r.errors).toEqual([]);
    expect(r.build).not.toContain('--target export');
  });
});
