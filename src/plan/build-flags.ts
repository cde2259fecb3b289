/**
 * Which flags of the old builder build the one remaining `docker build` must carry, and
 * which would change the result. Build arguments get special care: a value given to one
 * old build must reach the same stages, and no stage may receive one it did not get before.
 */
import type { DockerfileFacts } from '../analyze/dockerfile.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { DockerInvocation, ParsedFlag } from '../model/docker-command.js';
import type { Word } from '../model/script.js';
import type { BuildStep } from '../model/setup.js';

/** Flags that only name the builder build's own output: dropped, since that output is gone. */
const BUILDER_OWN = new Set(['--tag', '--file', '--target', '--quiet']);
/** Flags that change what a build outputs or where: carrying them would change the final build. */
const OUTPUT = new Set(['--output', '--iidfile', '--load', '--push', '--metadata-file', '--call', '--check']);
/** Flags that may repeat; each occurrence is carried unless the runtime build has it already. */
const REPEATABLE = new Set(['--build-arg', '--label', '--secret', '--ssh', '--add-host', '--build-context', '--cache-from', '--cache-to', '--ulimit', '--allow', '--annotation', '--security-opt', '--attest']);
/** Single flags whose value would change the runtime stage if only the builder had it. */
const SCOPE_CHANGING = new Set(['--platform', '--isolation', '--cgroup-parent']);

export interface CarryResult {
  /** Source text of the flags to add to the runtime build, in order (for messages). */
  carried: string[];
  /** The same flags word by word, as written in the file and as values, for the adapter to insert. */
  words: Word[];
  diagnostics: Diagnostic[];
  notes: string[];
}

/** The flag as written in the file (its own syntax: shell quoting, Make variables, JSON escapes). */
const raw = (text: string, inv: DockerInvocation, f: ParsedFlag) =>
  inv.cmd.words
    .slice(f.wordIndex, f.wordIndex + f.wordCount)
    .map((w) => text.slice(w.start, w.end))
    .join(' ');

export const valueKey = (f: ParsedFlag) => (f.value ? (f.value.value ?? f.value.symbol) : '');

export function buildArgName(f: ParsedFlag): string {
  const v = f.value ? (f.value.value ?? f.value.staticPrefix) : '';
  const eq = v.indexOf('=');
  return eq >= 0 ? v.slice(0, eq) : v;
}

export function declaredArgs(facts: DockerfileFacts): Set<string> {
  return new Set([...facts.globalArgs.map((a) => a.name), ...facts.stages.flatMap((s) => s.args)]);
}

export function carryBuilderFlags(text: string, builder: BuildStep, runtime: BuildStep, builderFacts: DockerfileFacts, runtimeFacts: DockerfileFacts, setup: string): CarryResult {
  const out: CarryResult = { carried: [], words: [], diagnostics: [], notes: [] };
  const carry = (f: ParsedFlag) => {
    // A flag that reads a script variable must mean the same at the final build.
    for (const w of b.cmd.words.slice(f.wordIndex, f.wordIndex + f.wordCount)) {
      for (const [, name] of text.slice(w.start, w.end).matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
        if (b.cmd.vars.get(name!) !== r.cmd.vars.get(name!)) {
          out.diagnostics.push(diag('FLAG_CONFLICT', 'error', `${raw(text, b, f)} reads $${name}, which has another value at the final build`, at(r, `Give $${name} one value for both builds, or write the value in the builder build.`)));
          return;
        }
      }
    }
    out.carried.push(raw(text, b, f));
    out.words.push(...b.cmd.words.slice(f.wordIndex, f.wordIndex + f.wordCount).map((w) => ({ ...w, raw: text.slice(w.start, w.end) })));
  };
  const b = builder.inv;
  const r = runtime.inv;
  const at = (inv: DockerInvocation, hint: string) => ({ file: inv.cmd.file, line: inv.cmd.line, setup, hint });
  const runtimeArgs = new Map(r.flags.filter((f) => f.name === '--build-arg').map((f) => [buildArgName(f), valueKey(f)]));
  const builderArgs = new Map(b.flags.filter((f) => f.name === '--build-arg').map((f) => [buildArgName(f), valueKey(f)]));

  for (const f of b.flags) {
    if (BUILDER_OWN.has(f.name)) continue;
    if (OUTPUT.has(f.name)) {
      out.diagnostics.push(diag('UNSUPPORTED_BUILD_FLAG', 'error', `the builder build uses ${f.name}, which sends its result somewhere the merged build would not`, at(b, `Remove ${f.name} from the builder build or migrate this setup by hand.`)));
      continue;
    }
    if (f.name === '--build-arg') {
      const name = buildArgName(f);
      if (runtimeArgs.has(name)) {
        if (runtimeArgs.get(name) !== valueKey(f)) {
          out.diagnostics.push(diag('ARG_CONFLICT', 'error', `--build-arg ${name} has different values in the builder and runtime builds, but one build can only pass one`, at(b, `Give ${name} the same value in both builds, or rename it in one Dockerfile.`)));
        }
        continue;
      }
      if (declaredArgs(runtimeFacts).has(name)) {
        out.diagnostics.push(diag('ARG_LEAK', 'error', `--build-arg ${name} was given only to the builder build, but ${runtimeFacts.path} declares ARG ${name}, which would now receive it`, at(b, `Rename the ARG in one Dockerfile, or pass the same value to both builds.`)));
        continue;
      }
      carry(f);
      continue;
    }
    const same = r.flags.filter((x) => x.name === f.name);
    if (REPEATABLE.has(f.name)) {
      if (!same.some((x) => valueKey(x) === valueKey(f))) carry(f);
      continue;
    }
    if (same.length > 0) {
      if (!same.some((x) => valueKey(x) === valueKey(f))) {
        out.diagnostics.push(diag('FLAG_CONFLICT', 'error', `${f.name} differs between the builder build and the runtime build`, at(b, `Use the same ${f.name} for both builds, or migrate this setup by hand.`)));
      }
      continue;
    }
    if (SCOPE_CHANGING.has(f.name)) {
      out.diagnostics.push(diag('FLAG_CONFLICT', 'error', `${f.name} is given to the builder build only; in one build it would apply to the runtime stage too`, at(b, `Pass the same ${f.name} to both builds, or migrate this setup by hand.`)));
      continue;
    }
    carry(f);
  }

  // The reverse leak: runtime build args now reach the builder stages too.
  const builderDeclared = declaredArgs(builderFacts);
  for (const [name, value] of runtimeArgs) {
    if (builderDeclared.has(name) && builderArgs.get(name) !== value) {
      out.diagnostics.push(diag('ARG_LEAK', 'error', `--build-arg ${name} was given only to the runtime build, but ${builderFacts.path} declares ARG ${name}, which would now receive it`, at(r, 'Rename the ARG in one Dockerfile, or pass the same value to both builds.')));
    }
  }
  if (out.carried.length > 0) out.notes.push(`${b.cmd.file}: the final build now also gets the builder build's ${out.carried.join(' ')}`);
  return out;
}
