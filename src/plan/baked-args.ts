/**
 * A `--build-arg NAME=value` the builder build alone was given, where the runtime Dockerfile
 * declares `ARG NAME` too (`docker build --build-arg OUT_DIR=/opt/out -f Dockerfile.build …`,
 * the runtime's `ARG OUT_DIR=/var/lib/app`). The one merged build cannot pass it: it would reach
 * the runtime's declaration, which never received it. Nor can it leave it out: the builder stage
 * would then run with its own default. What a careful person writes instead, and the merge does,
 * is the value as the default of the builder stage's declaration (`ARG OUT_DIR=/opt/out`): each
 * stage then sees what it saw before, and the merged build passes no `--build-arg OUT_DIR`.
 *
 * Only where that is exact:
 * - the value is written as a literal in the script (no variable of any kind: a Makefile's
 *   `$(VERSION)` reads as static, yet `make VERSION=2.0` overrides it) and is plain (letters,
 *   digits and `_ . / : @ % + , = ~ -`): an ARG default is expanded, unquoted and unescaped
 *   when evaluated, and such text reads as itself;
 * - every `--build-arg NAME` of the builder build gives that one value;
 * - the builder file declares NAME only inside its stages (a global declaration's default would
 *   sit among the merged file's globals, which the runtime's stages read), and at least once;
 * - NAME is none of the arguments Docker or BuildKit give meaning without a declaration (the
 *   proxy and platform arguments, `BUILDKIT_*`, `SOURCE_DATE_EPOCH`): those reach stages that
 *   never declare them, so a default in one stage would not stand for the value passed.
 * Every stage-level declaration of NAME in the builder file gets the value (an earlier default
 * replaced, as the build argument replaced it). Anything else stays an ARG_LEAK refusal
 * (./build-flags.ts carryBuilderFlags).
 */
import { argDeclarations } from '../analyze/arg-declarations.js';
import type { DockerfileFacts } from '../analyze/dockerfile.js';
import type { Edit } from '../model/edits.js';
import { addTo } from '../model/multimap.js';
import type { BuildStep } from '../model/setup.js';
import { buildArgName, declaredArgs, PROXY_ARGS, undeclaredReach } from './build-flags.js';

/** Arguments with a meaning of their own without a declaration (Docker's predefined and automatic platform arguments). */
const PREDEFINED = new Set([
  ...PROXY_ARGS,
  ...['PLATFORM', 'OS', 'ARCH', 'VARIANT'].flatMap((p) => [`TARGET${p}`, `BUILD${p}`]),
]);

/** A default that BuildKit reads back as the same text: no quote, escape, `$`, blank or `#`. */
const PLAIN = /^[A-Za-z0-9_./:@%+,=~-]*$/;

export interface BakedArgs {
  /** Name → the value it now defaults to in the builder's stages. */
  defaults: Map<string, string>;
  /** Edits on the builder's text: each stage-level declaration of a baked name, `NAME=value`. */
  edits: Edit[];
  /** For the plan's notes; null when nothing was baked. */
  note: string | null;
}

/** The builder build's arguments that become defaults of its stages' declarations (see above). */
export function bakeBuilderArgs(builder: BuildStep, runtime: BuildStep, builderFacts: DockerfileFacts, runtimeFacts: DockerfileFacts): BakedArgs {
  const out: BakedArgs = { defaults: new Map(), edits: [], note: null };
  const flags = builder.inv.flags.filter((x) => x.name === '--build-arg');
  if (flags.length === 0) return out;
  const runtimeGiven = new Set(runtime.inv.flags.filter((f) => f.name === '--build-arg').map(buildArgName));
  const runtimeDeclared = declaredArgs(runtimeFacts);
  const globals = new Set(builderFacts.globalArgs.map((a) => a.name));
  const values = new Map<string, (string | null)[]>();
  for (const f of flags) {
    const name = buildArgName(f);
    // Written as a literal: a value read through a variable (`$(VERSION)` of a Makefile, which
    // `make VERSION=2.0` overrides; `${{ env.V }}`; `$V` with a default) may be another at run time.
    const text = f.value && !f.value.raw.includes('$') ? f.value.value : null;
    const eq = text?.indexOf('=') ?? -1;
    addTo(values, name, text !== null && eq >= 0 ? text.slice(eq + 1) : null);
  }
  const lines: number[] = [];
  for (const [name, given] of values) {
    const value = given[0]!;
    if (runtimeGiven.has(name) || !runtimeDeclared.has(name) || globals.has(name) || PREDEFINED.has(name)) continue;
    // (the final build's reach covers the builder's: BUILDKIT_* for any build, SOURCE_DATE_EPOCH for the final one)
    if (undeclaredReach(name, runtimeFacts, true) !== null) continue;
    if (value === null || !PLAIN.test(value) || given.some((v) => v !== value)) continue;
    const edits = declarationEdits(builderFacts, name, value);
    if (edits.length === 0) continue;
    out.defaults.set(name, value);
    out.edits.push(...edits.map((e) => e.edit));
    lines.push(...edits.map((e) => e.line));
  }
  if (out.defaults.size > 0) {
    const given = [...out.defaults].map(([n, v]) => `--build-arg ${n}=${v}`).join(' ');
    const names = [...out.defaults.keys()].map((n) => `ARG ${n}`).join(', ');
    out.note = `the builder build's ${given} is now the default of ${names} in the stages from ${builderFacts.path} (line ${[...new Set(lines)].join(', ')}): ${runtimeFacts.path} declares ${out.defaults.size > 1 ? 'them' : 'it'} too, and the one build must not pass ${out.defaults.size > 1 ? 'them' : 'it'} to its stages`;
  }
  return out;
}

/** `NAME=value` over each declaration of `name` after the file's first FROM, with the line it is on. */
function declarationEdits(facts: DockerfileFacts, name: string, value: string): { edit: Edit; line: number }[] {
  const out: { edit: Edit; line: number }[] = [];
  let inStage = false;
  for (const ins of facts.instructions) {
    const keyword = ins.getKeyword();
    if (keyword === 'FROM') inStage = true;
    if (!inStage || keyword !== 'ARG') continue;
    const start = facts.lines.offsetAt(ins.getRange().start);
    for (const d of argDeclarations(ins, facts.escape)) {
      if (d.name !== name) continue;
      out.push({ edit: { start: start + d.start, end: start + d.end, text: `${name}=${value}` }, line: ins.getRange().start.line + 1 });
    }
  }
  return out;
}
