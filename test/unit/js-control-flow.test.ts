/**
 * Where a JavaScript build script's calls run (src/analyze/hosts/js-control-flow.ts): under an
 * `if`, a `&&`, a loop or a `catch` they run only sometimes, and a function's body runs where
 * the function is called, in that call's place in the order of the script.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';
import { JS_BUILDER_STEPS, JS_FINAL_BUILD, jsBuildRepo } from '../support/js-build-repo.js';

const HEAD = "import { execSync } from 'node:child_process';\n";
const BUILDER = JS_BUILDER_STEPS;
const FINAL = JS_FINAL_BUILD;
const repo = (...lines: string[]) => jsBuildRepo(HEAD, lines);
const outcome = (f: Record<string, string>) => {
  const plan = planFiles(f);
  expect(plan.setups.length, 'the setup is found').toBe(1);
  const s = plan.setups[0]!;
  return { status: s.status, errors: s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code) };
};
const refused = (code: string) => ({ status: 'refused', errors: [code] });
const migrated = { status: 'migrate', errors: [] };

describe('the control flow around the calls of a JavaScript build script', () => {
  it('refuses a builder build and extraction under an `if` the runtime build is not in', () => {
    expect(outcome(repo('if (process.env.FRESH) {', ...BUILDER, '}', FINAL))).toEqual(refused('CONDITIONAL_STEP'));
  });

  it('refuses them on the right of `&&`, in a loop, or in a `catch`', () => {
    expect(outcome(repo(...BUILDER.slice(0, 2), `process.env.FRESH && ${BUILDER[2]}`, BUILDER[3]!, FINAL))).toEqual(refused('CONDITIONAL_STEP'));
    expect(outcome(repo('for (const n of [1, 2]) {', ...BUILDER, '}', FINAL))).toEqual(refused('CONDITIONAL_STEP'));
    expect(outcome(repo("try { execSync('make check'); } catch {", ...BUILDER, '}', FINAL))).toEqual(refused('CONDITIONAL_STEP'));
  });

  it('migrates a removal of the setup\'s container in a `catch` that fails the script in turn, or in a `finally`', () => {
    const [build, create, cp, rm] = BUILDER as [string, string, string, string];
    const rmf = "execSync('docker rm -f lantern-out');";
    const files = repo('try {', build, create, cp, '} catch (e) {', rmf, 'throw e;', '}', rm, FINAL);
    expect(outcome(files)).toEqual(migrated);
    expect(planFiles(files).changes.find((c) => c.path === 'scripts/image.mjs')!.after).toBe(`${HEAD}try {\n} catch (e) {\nthrow e;\n}\n${FINAL}\n`);
    expect(outcome(repo('try {', build, create, cp, '} finally {', rmf, '}', FINAL))).toEqual(migrated);
    // A `catch` that goes on: the old script went on to the runtime build when the compile failed.
    expect(outcome(repo('try {', build, create, cp, '} catch (e) {', rmf, '}', FINAL))).toEqual(refused('CONDITIONAL_STEP'));
    // Anything else the failing `catch` runs of the setup is still a step on another path.
    expect(outcome(repo('try {', build, create, '} catch (e) {', cp, 'throw e;', '}', rm, FINAL))).toEqual(refused('CONDITIONAL_STEP'));
  });

  it('refuses a function of the file called only under a condition', () => {
    expect(outcome(repo('function compile() {', ...BUILDER, '}', 'if (process.env.FRESH) compile();', FINAL))).toEqual(refused('CONDITIONAL_STEP'));
  });

  it('refuses a function that is never called, or is passed on rather than called', () => {
    expect(outcome(repo('function compile() {', ...BUILDER, '}', FINAL))).toEqual(refused('CONDITIONAL_STEP'));
    expect(outcome(repo('const compile = () => {', ...BUILDER, '};', 'process.nextTick(compile);', FINAL))).toEqual(refused('CONDITIONAL_STEP'));
  });

  it('reads a function body where it is called: after the runtime build, nothing the build copies was extracted yet', () => {
    expect(outcome(repo('function compile() {', ...BUILDER, '}', FINAL, 'compile();'))).toEqual(refused('ARTIFACT_UNUSED'));
  });

  it('migrates a setup wholly under one condition, and functions called once, in order', () => {
    expect(outcome(repo('if (process.env.RELEASE) {', ...BUILDER, FINAL, '}'))).toEqual(migrated);
    expect(outcome(repo('function compile() {', ...BUILDER, '}', 'function main() {', 'compile();', FINAL, '}', 'main();'))).toEqual(migrated);
    expect(outcome(repo('(async () => {', ...BUILDER, FINAL, '})();'))).toEqual(migrated);
  });

  it('knows no folder for a function body called after `process.chdir`, though written before it', () => {
    expect(outcome(repo('function all() {', ...BUILDER, FINAL, '}', "process.chdir('svc');", 'all();')).status).toBe('refused');
  });
});
