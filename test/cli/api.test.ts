/**
 * The programmatic API as a consumer sees it: a package that depends on multistage-codemod
 * imports `plan` and `apply` by the package name (through package.json `exports` to the built
 * entry), plans a fixture, applies it, and type-checks against the shipped declarations.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyToTemp, FIXTURES, readTree, writeTemp } from '../support/tree.js';

const REPO = path.resolve(import.meta.dirname, '../..');

/** A consumer package with multistage-codemod in its node_modules (a link to this checkout). */
function consumer(files: Record<string, string>): string {
  const dir = writeTemp({ 'package.json': '{"name":"consumer","type":"module","private":true}\n', ...files }, 'msc-api-');
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(REPO, path.join(dir, 'node_modules', 'multistage-codemod'), 'dir');
  return dir;
}

const SCRIPT = `
import { plan, apply } from 'multistage-codemod';
const root = process.argv[2];
const p = await plan([root]);
const applied = apply(p);
process.stdout.write(JSON.stringify({ p, applied }));
`;

describe('programmatic API (package exports)', () => {
  it('plans a fixture (the JSON report shape) and applies it: the after tree of the fixture', () => {
    const app = consumer({ 'migrate.js': SCRIPT });
    const repo = copyToTemp(path.join(FIXTURES, 'href-counter', 'before'));
    const r = spawnSync(process.execPath, ['migrate.js', repo], { cwd: app, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const { p, applied } = JSON.parse(r.stdout);
    expect(p).toMatchObject({ schemaVersion: 1, mode: 'dry-run', applied: false, summary: { setups: 1, planned: 1, refused: 0 } });
    expect(p.setups[0]).toMatchObject({ status: 'planned', stage: 'builder' });
    expect(p.changes.map((c: { action: string }) => c.action).sort()).toEqual(['delete', 'update', 'update']);
    expect(applied).toMatchObject({ mode: 'apply', applied: true, summary: { migrated: 1 } });
    expect(readTree(repo)).toEqual(readTree(path.join(FIXTURES, 'href-counter', 'after')));
  });

  it('loads with require() from CommonJS (no top-level await in the module graph) and plans the same', () => {
    const app = consumer({
      'migrate.cjs': `
const { plan } = require('multistage-codemod');
plan([process.argv[2]]).then((p) => process.stdout.write(JSON.stringify(p)));
`,
    });
    const repo = copyToTemp(path.join(FIXTURES, 'href-counter', 'before'));
    const r = spawnSync(process.execPath, ['migrate.cjs', repo], { cwd: app, encoding: 'utf8' });
    expect(r.stderr).not.toContain('ERR_REQUIRE');
    expect(r.status, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p).toMatchObject({ mode: 'dry-run', applied: false, summary: { setups: 1, planned: 1, refused: 0 } });
    expect(readTree(repo)).toEqual(readTree(path.join(FIXTURES, 'href-counter', 'before')));
  });

  it('applies only the setups named, whole units only, and refuses a plan it did not make', () => {
    const app = consumer({
      'pick.js': `
import { plan, apply } from 'multistage-codemod';
const p = await plan([process.argv[2], process.argv[3]]);
const errors = [];
try { apply(p, { setups: ['nope.sh:1'] }); } catch (e) { errors.push(e.message); }
try { apply(JSON.parse(JSON.stringify(p))); } catch (e) { errors.push(e.message); }
const applied = apply(p, { setups: [p.setups[0].id] });
process.stdout.write(JSON.stringify({ errors, statuses: applied.setups.map((s) => s.status) }));
`,
    });
    const one = copyToTemp(path.join(FIXTURES, 'href-counter', 'before'));
    const two = copyToTemp(path.join(FIXTURES, 'href-counter', 'before'));
    const beforeTwo = readTree(two);
    const r = spawnSync(process.execPath, ['pick.js', one, two], { cwd: app, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.errors).toEqual([expect.stringContaining('nope.sh:1'), 'apply() takes the object plan() returned in this process']);
    expect(out.statuses).toEqual(['migrated', 'skipped']);
    expect(readTree(one)).toEqual(readTree(path.join(FIXTURES, 'href-counter', 'after')));
    expect(readTree(two)).toEqual(beforeTwo);
  });

  it('applies setups alone only as planned alone: `leave` plans the others as staying', () => {
    // a/build.sh names `Dockerfile.build` in a comment its migration removes; left as it is, it
    // still names it, so b's builder Dockerfile must be kept when b is written alone.
    const app = consumer({
      'alone.js': `
import { plan, apply } from 'multistage-codemod';
const root = process.argv[2];
const errors = [];
const p = await plan(root);
try { apply(p, { setups: [root + '/b/build.sh:4'] }); } catch (e) { errors.push(e.message); }
try { await plan(root, { leave: ['nope.sh:1'] }); } catch (e) { errors.push(e.message); }
const alone = await plan(root, { leave: [root + '/a/build.sh:6'] });
const statuses = alone.setups.map((s) => s.status);
const applied = apply(alone);
process.stdout.write(JSON.stringify({ errors, statuses, applied: applied.setups.map((s) => s.status) }));
`,
    });
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-alone-'));
    fs.cpSync(path.join(FIXTURES, 'builder-comment-removed', 'before'), path.join(root, 'a'), { recursive: true });
    fs.cpSync(path.join(FIXTURES, 'rename-folder', 'before'), path.join(root, 'b'), { recursive: true });
    const before = readTree(root);
    const r = spawnSync(process.execPath, ['alone.js', root], { cwd: app, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.errors).toEqual([
      `with ${root}/a/build.sh:6 left as it is, the setups chosen would not write what this plan shows: ${root}/b/Dockerfile.build is no longer deleted. Apply them together, or plan again with { leave: ["${root}/a/build.sh:6"] } and apply that plan.`,
      'leave: no setup of these roots can migrate as nope.sh:1',
    ]);
    expect(out.statuses).toEqual(['skipped', 'planned']);
    expect(out.applied).toEqual(['skipped', 'migrated']);
    const after = readTree(root);
    for (const f of Object.keys(before).filter((f) => f.startsWith('a/'))) expect(after[f]).toBe(before[f]);
    expect(after['b/Dockerfile.build']).toBe(before['b/Dockerfile.build']);
    expect(after['b/Dockerfile']).toContain('COPY --from=builder');
  });

  it('type-checks a TypeScript consumer against the shipped declarations', () => {
    const app = consumer({
      'use.ts': `
import { plan, apply, type JsonReport, type MigrationPlan } from 'multistage-codemod';
const p: MigrationPlan = await plan('.', { stageName: 'build' });
const refused: number = p.summary.refused;
const codes: string[] = p.setups.flatMap((s) => s.diagnostics.map((d) => d.code));
const r: JsonReport = apply(p, { setups: p.setups.map((s) => s.id), force: false });
// @ts-expect-error a plan has no such field
p.nothing;
export { refused, codes, r };
`,
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['use.ts'] }),
    });
    const tsc = spawnSync(process.execPath, [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', app], { encoding: 'utf8' });
    expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
  });
});
