/**
 * Whether a setup's steps run on the same paths through their script. The migration replaces
 * the builder build, the extraction and its cleanup with the one runtime build: exact only when
 * they all ran together. A step in a branch the others are not in (an `if`/`elif`/`else` body,
 * a `case` item, after a test in an `&&` list or after `||`, a function body, a loop whose
 * items are not known) ran on some paths only, and the migrated build would change what runs
 * there.
 */
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { shownCommand, type Branch, type ScriptCommand, type ScriptFile } from '../model/script.js';
import type { RepoFs } from '../model/fs.js';
import type { Setup } from '../model/setup.js';
import { resolveRel } from '../model/paths.js';
import { testedPath } from './guarded-cleanup.js';
import { inspectsBuiltImage } from './image-presence.js';
import { dockerInvocation } from '../model/docker-command.js';
import { failureEndsRun } from '../plan/run-failure.js';

/** Commands whose exit status answers a question: a chain member after one runs only on some paths. */
function isPredicate(cmd: ScriptCommand): boolean {
  const prog = cmd.words[0]?.value;
  if (prog === undefined || prog === null) return true;
  if (['[', '[[', 'test', 'true', 'false', 'which', 'type', 'hash', 'cmp', 'diff'].includes(prog)) return true;
  const has = (f: (v: string) => boolean) => cmd.words.slice(1).some((w) => w.value !== null && f(w.value));
  if (prog === 'command') return has((v) => v === '-v' || v === '-V');
  if (prog === 'grep') return has((v) => /^-[a-zA-Z]*[qs]/.test(v) || v === '--quiet' || v === '--silent');
  if (prog === 'git') return has((v) => v === '--quiet' || v === '--exit-code');
  if (prog === 'docker') return has((v) => v === 'inspect' || v === 'exists');
  return false;
}

/** `[ -n "$cid" ]`: a test of nothing but the ids the extraction captured, true whenever the extraction ran. */
function testsOnlySetupIds(cmd: ScriptCommand, ids: ReadonlySet<string>): boolean {
  const prog = cmd.words[0]?.value;
  if (prog !== '[' && prog !== '[[' && prog !== 'test') return false;
  const dynamic = cmd.words.slice(1).filter((w) => w.value === null || ids.has(w.symbol));
  return dynamic.length > 0 && dynamic.every((w) => ids.has(w.symbol));
}

const TESTS = new Set(['[', '[[', 'test']);

/**
 * The outcome of `[ -f PATH ]`, `[ -d PATH ]`, `[ -e PATH ]` (or `!` of one) on a path of the
 * repository that no earlier command of the script names but tests: what the repository holds
 * decides it. Null when it is not such a test.
 */
function staticTest(cmd: ScriptCommand, script: ScriptFile, fs: RepoFs, setupPaths: ReadonlySet<string>): boolean | null {
  const v = cmd.words.map((w) => w.value);
  if (v.some((x) => x === null) || !TESTS.has(v[0]!) || cmd.cwd === null) return null;
  const words = v.slice(1, v[0] === 'test' ? undefined : -1) as string[];
  if (v[0] !== 'test' && v[v.length - 1] !== (v[0] === '[' ? ']' : ']]')) return null;
  const negate = words[0] === '!';
  const [op, target, ...rest] = negate ? words.slice(1) : words;
  if (rest.length > 0 || target === undefined || !['-f', '-d', '-e'].includes(op!)) return null;
  const rel = resolveRel(cmd.cwd, target);
  if (rel.startsWith('../') || setupPaths.has(rel) || [...setupPaths].some((p) => rel.startsWith(`${p}/`) || p.startsWith(`${rel}/`))) return null;
  const names = (c: ScriptCommand, w: { value: string | null }) => w.value !== null && c.cwd !== null && resolveRel(c.cwd, w.value) === rel;
  const named = script.commands.some((c) => c.index < cmd.index && !TESTS.has(c.words[0]?.value ?? '') && (c.words.some((w) => names(c, w)) || c.redirects.some((r) => names(c, r.target))));
  if (named) return null;
  const kind = fs.kind(rel);
  if (kind === 'symlink' || kind === 'other') return null;
  const holds = op === '-f' ? kind === 'file' : op === '-d' ? kind === 'dir' : kind !== null;
  return negate ? !holds : holds;
}

/** What a branch is, from its id (../analyze/shell/statements.ts): `if`, `case`, `fn` (a function body), `loop`… */
export const branchKind = (b: Branch): string => b.id.replace(/^\d+\//, '').replace(/[0-9:].*$/, '');

function describe(b: Branch): string {
  if (b.where) return b.where;
  const kind = branchKind(b);
  if (kind === 'if') return 'in an if/elif/else branch';
  if (kind === 'case') return 'in a case item';
  if (kind === 'fn') return 'in a function body';
  if (kind === 'loop') return 'in a loop that may run any number of times';
  if (b.negated) return 'after a command run under `!` in an `&&`/`||` list';
  return b.on === 'failure' ? 'after `||` (when a command before it failed)' : 'after a test in an `&&` list';
}

/** A CONDITIONAL_STEP error when the setup's steps do not all run on the same paths, else null. */
export function stepConditions(setup: Setup, script: ScriptFile, fs: RepoFs): Diagnostic | null {
  if (!setup.runtime) return null;
  const steps: { cmd: ScriptCommand; what: string }[] = [
    { cmd: setup.builder.inv.cmd, what: setup.builder.stock ? 'the build' : 'the builder build' },
    ...setup.extraction.map((cmd) => ({ cmd, what: 'the extraction step' })),
    { cmd: setup.runtime.inv.cmd, what: 'the runtime build' },
    ...[...setup.cleanup, ...setup.cleanupWords.map((w) => w.cmd)].map((cmd) => ({ cmd, what: 'the cleanup' })),
  ];
  const indices = new Set(steps.map((s) => s.cmd.index));
  const ids = new Set(setup.extraction.flatMap((c) => (c.stdout?.kind === 'capture' ? [c.stdout.symbol] : [])));
  const byIndex = new Map(script.commands.map((c) => [c.index, c]));
  // A chain member that waits only on the setup's own steps, on commands expected to succeed, on
  // a test of the ids the extraction captured, or on an inspect of the image the runtime build
  // just made (./image-presence.ts), runs whenever the setup does.
  const setupPaths = new Set(setup.artifacts.map((a) => a.hostPath));
  const known = (i: number) => staticTest(byIndex.get(i)!, script, fs, setupPaths);
  // An if/elif/else branch whose conditions the repository decides, each as the branch wants, is always taken.
  const taken = (b: Branch) => b.when !== undefined && b.when.every((w) => w.cmds.length === 1 && known(w.cmds[0]!) === w.want);
  // The then-branch of `if <setup step>; then`, as the member after `<setup step> &&`, runs whenever that step succeeded.
  const afterSteps = (b: Branch) => b.when !== undefined && b.when.length === 1 && b.when[0]!.want && b.when[0]!.cmds.length > 0 && b.when[0]!.cmds.every((i) => indices.has(i));
  const real = (b: Branch) =>
    !taken(b) && !afterSteps(b) && !(b.after && b.on === 'success' && !b.negated && b.after.every((i) => indices.has(i) || !isPredicate(byIndex.get(i)!) || testsOnlySetupIds(byIndex.get(i)!, ids) || known(i) === true || inspectsBuiltImage(byIndex.get(i)!, b.after!, setup, byIndex)));
  // A cleanup in the body of `if [ -f app ]` (app an artifact, the body only removing it) runs whenever the file is there to remove (./guarded-cleanup.ts).
  const guardOnly = (b: Branch) => b.when !== undefined && b.when.length === 1 && b.when[0]!.want && b.when[0]!.cmds.length === 1 && setupPaths.has(testedPath(byIndex.get(b.when[0]!.cmds[0]!)!) ?? '\0');
  // A removal of the setup's container on a failure path that fails the run in turn (`catch (e) {
  // execSync('docker rm -f x'); throw e; }`): it runs only where the old run failed, and the
  // merged run, whose compile fails in the final build, creates no container to remove.
  // One whose failing `exit` ends a subshell (`|| ( docker rm -f x; exit 1 )`) fails its statement: so only where that ends the run (errexit, a Make recipe line).
  const subshellExit = (b: Branch) => script.commands.filter((c) => c.branches?.some((x) => x.id === b.id)).pop();
  const endsRun = (b: Branch) => {
    const exit = subshellExit(b);
    return exit?.words[0]?.value === 'exit' && failureEndsRun(exit, script, fs);
  };
  const failingCleanup = (cmd: ScriptCommand, b: Branch) => (b.failing === true || (b.failsStatement === true && endsRun(b))) && dockerInvocation(cmd)?.verb === 'rm';
  const paths = steps.map((s) => (s.cmd.branches ?? []).filter((b) => real(b) && !(s.what === 'the cleanup' && guardOnly(b)) && !(s.cmd !== setup.builder.inv.cmd && failingCleanup(s.cmd, b))));
  const key = (bs: Branch[]) => bs.map((b) => b.id).join(' ');
  const ref = key(paths[0]!);
  const odd = paths.findIndex((p) => key(p) !== ref);
  if (odd < 0) return earlyExit(setup, script, steps.map((st) => st.cmd));
  // The step that runs in a branch the other is not in.
  const extraOf = (a: number, b: number) => paths[a]!.find((x) => !paths[b]!.some((y) => y.id === x.id));
  const [first, second] = extraOf(0, odd) ? [0, odd] : [odd, 0];
  const branch = extraOf(first, second)!;
  const step = (k: number) => `${steps[k]!.what} \`${shownCommand(steps[k]!.cmd)}\` (${steps[k]!.cmd.file}:${steps[k]!.cmd.line})`;
  return diag('CONDITIONAL_STEP', 'error', `the setup's steps do not all run on the same paths: ${step(first)} runs only ${describe(branch)}, which ${step(second)} is not in; the merged build would run them together${otherBranchCopies(branch, script)}`, {
    file: steps[first]!.cmd.file,
    line: steps[first]!.cmd.line,
    setup: setup.id,
    hint: 'Put the builder build, the extraction and the runtime build under the same condition (or none), or migrate this setup by hand.',
  });
}

/**
 * An `exit` or `return` between the setup's first and last steps that ends the script with
 * success (`[ -n "$COMPILE_ONLY" ] && exit 0`, an `exit` in an `if` body): where it runs, the old
 * script built the builder image and stopped; merged, the builder build is gone and nothing is
 * built there. An exit with a failing status (`exit 1`, a bare `exit` after `||`) fails both ways;
 * one whose status is only known at run time (`exit $rc`) is taken as such.
 */
function earlyExit(setup: Setup, script: ScriptFile, steps: readonly ScriptCommand[]): Diagnostic | null {
  const own = steps.filter((c) => c.file === script.file);
  if (own.length < 2) return null;
  const [lo, hi] = [Math.min(...own.map((c) => c.index)), Math.max(...own.map((c) => c.index))];
  const stepIndices = new Set(own.map((c) => c.index));
  // A function's body: a call of it between the steps runs an `exit` there (a `return` there only leaves the function).
  const bodies = new Map<string, string>([...((script as { functions?: ReadonlyMap<string, string> }).functions ?? []), ...((script as { functionBodies?: ReadonlyMap<string, string> }).functionBodies ?? [])]);
  const bodyOf = (c: ScriptCommand) => {
    const name = c.words[0]?.value;
    return name ? (bodies.get(name) ?? bodies.get(name.toLowerCase())) : undefined;
  };
  const successExit = (c: ScriptCommand, inBody: boolean) => {
    // `STEP || exit 0`: what a failing setup step leads to is the failure checks' to judge (run-failure.ts, host-effects.ts).
    const last = c.branches?.[c.branches.length - 1];
    if (last?.on === 'failure' && last.after?.some((i) => stepIndices.has(i))) return false;
    const [prog, status, ...rest] = c.words;
    if ((prog?.value !== 'exit' && (inBody || prog?.value !== 'return')) || rest.length > 0) return false;
    if (status === undefined) return c.branches?.[c.branches.length - 1]?.on !== 'failure';
    // A status only known at run time (`exit $rc`, `exit $?`) passes on a failure the script
    // read: taken as the failure path it mostly is.
    return status.value !== null && (!/^[0-9]+$/.test(status.value) || Number(status.value) % 256 === 0);
  };
  const between = script.commands.filter((c) => c.index > lo && c.index < hi);
  const exit =
    between.find((c) => successExit(c, false)) ??
    between.find((c) => {
      const body = bodyOf(c);
      return body !== undefined && script.commands.some((x) => x.branches?.some((b) => b.id === body || b.id.endsWith(`/${body}`)) && successExit(x, true));
    });
  if (!exit) return null;
  const via = bodyOf(exit) !== undefined ? ', a call of a function whose body runs `exit`,' : '';
  return diag('CONDITIONAL_STEP', 'error', `\`${shownCommand(exit)}\` (${exit.file}:${exit.line})${via} stands between the builder build \`${shownCommand(setup.builder.inv.cmd)}\` (line ${setup.builder.inv.cmd.line}) and the setup's later steps, and may end the script with success there: on that path the old script built the builder image and stopped; merged, the builder build is gone and nothing would be built`, {
    file: exit.file,
    line: exit.line,
    setup: setup.id,
    hint: 'Move the early exit before the builder build (or after the runtime build), then run the tool again; or migrate by hand.',
  });
}

/**
 * When another branch of the same `if` also takes files out of a container: why that is no
 * unconditional extraction to the tool (each branch's copy is a step of its own, read apart).
 */
function otherBranchCopies(branch: Branch, script: ScriptFile): string {
  const m = /^(.*\bif\d+:)[^:]*$/.exec(branch.id);
  if (!m) return '';
  const other = script.commands.find((c) => c.words[0]?.value === 'docker' && ['cp', 'run', 'create'].includes(c.words[1]?.value ?? '') && c.branches?.some((b) => b.id.startsWith(m[1]!) && b.id !== branch.id));
  if (!other) return '';
  return ` (another branch of the same \`if\` also takes files out of a container, at line ${other.line}: each branch's copy is read as a step of its own, and copies in several branches are not merged into one that always runs, even when they are alike, so the setup is refused rather than migrated as if one copy always ran)`;
}
