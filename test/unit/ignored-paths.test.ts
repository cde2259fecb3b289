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
