/**
 * COPY and ADD sources written through a variable: `ARG BIN=app` then `COPY ${BIN} /usr/local/bin/`,
 * or a value the build passes (`docker build --build-arg EXTRA=app .`, `COPY ${EXTRA} /etc/`).
 * Such a line reads the file the value names from the context; the value is read as the build
 * gives it: the stage's ENV, else its ARG (the value passed, else the default), where each is a
 * plain literal (./../plan/stage-variables.ts); anything else (a variable the base image may
 * set, a modifier such as `${X:-y}`, a value only known at run time) is not known.
 */
import type { Instruction } from 'dockerfile-ast';
import type { DockerInvocation } from '../model/docker-command.js';
import { StageVariables } from '../plan/stage-variables.js';
import { buildArgName } from '../plan/build-flags.js';
import type { DockerfileFacts } from './dockerfile.js';
import { jsonStringValue } from './exec-form.js';
import { resolveRel } from '../model/paths.js';

export interface VariableSource {
  /** Index into the file's COPY/ADD facts, and into that line's sources. */
  copy: number;
  source: number;
  /** The names the source reads. */
  names: string[];
  /** The source with each variable written as its value, or null when one is not known; `prefix`: its text before the first unknown one. */
  value: string | null;
  prefix: string;
  /** Why the first variable not known is not (with `value` null for it). */
  unknown?: string;
}

/** What a build passes with `--build-arg`: each name with its value (null where only known at run time), or null when a name is not known. */
export type PassedArgs = ReadonlyMap<string, string | null> | null;

/** The values a build passes with `--build-arg` (null where only known at run time, or taken from the environment), or null when a name is not known. */
export function passedArgs(inv: DockerInvocation): Map<string, string | null> | null {
  const out = new Map<string, string | null>();
  for (const f of inv.flags.filter((x) => x.name === '--build-arg')) {
    const w = f.value;
    if (w === null) return null;
    const text = w.value ?? w.staticPrefix;
    const eq = text.indexOf('=');
    if (eq < 0 && w.value === null) return null;
    out.set(buildArgName(f), eq >= 0 && w.value !== null ? text.slice(eq + 1) : null);
  }
  return out;
}

/** Every COPY/ADD source (not `--from`) of `facts` that reads a variable, with its value in a build passing `passed`. */
export function variableSources(facts: DockerfileFacts, passed: ReadonlyMap<string, string | null> | null): VariableSource[] {
  const out: VariableSource[] = [];
  // (no variable anywhere: no instruction to read again)
  if (!facts.text.includes('$') || facts.copies.length === 0) return out;
  const offset = (p: { line: number; character: number }) => facts.lines.offsetAt(p);
  const vars = new StageVariables(facts.escape, passed === null ? null : new Set(passed.keys()), facts.globalArgs, passed ?? undefined);
  let stage = -1;
  let copy = 0;
  for (const ins of facts.instructions) {
    const kw = ins.getKeyword();
    if (kw === 'FROM') {
      stage++;
      const parent = facts.stages.find((s) => s.index < stage && s.name !== null && s.name.toLowerCase() === facts.stages[stage]?.image.toLowerCase());
      vars.enter(stage, parent?.index ?? null);
      continue;
    }
    if (stage < 0) continue;
    if (kw === 'ENV' || kw === 'ARG') vars.read(ins);
    if (kw !== 'COPY' && kw !== 'ADD') continue;
    const cf = facts.copies[copy];
    const index = copy++;
    if (!cf || cf.from || cf.heredoc) continue;
    cf.sources.forEach((src, si) => {
      const read = sourceValue(ins, facts.text, src, cf.json, vars.values(), offset);
      if (read) out.push({ copy: index, source: si, ...read });
    });
  }
  return out;
}

function sourceValue(
  ins: Instruction,
  text: string,
  src: { start: number; end: number },
  json: boolean,
  values: Map<string, string | null>,
  offset: (p: { line: number; character: number }) => number,
): Omit<VariableSource, 'copy' | 'source'> | null {
  // (a `$` no name follows, `gate$`, is the character itself)
  const inside = ins.getVariables().filter((v) => {
    if (v.getName() === '') return false;
    const r = v.getRange();
    return offset(r.start) >= src.start && offset(r.end) <= src.end;
  });
  if (inside.length === 0) return null;
  let written = '';
  let at = src.start;
  let known = true;
  let prefix: string | null = null;
  let why: string | undefined;
  for (const v of inside) {
    const r = v.getRange();
    const value = values.get(v.getName());
    written += text.slice(at, offset(r.start));
    if (typeof value !== 'string' || v.getModifier() !== null) {
      prefix ??= written;
      why ??= unknownWhy(v, text.slice(offset(r.start), offset(r.end)), value);
      known = false;
    } else written += value;
    at = offset(r.end);
  }
  written += text.slice(at, src.end);
  const names = [...new Set(inside.map((v) => identifier(v.getName())))];
  // (a JSON form's string is read as JSON; a shell-form word with a quote or an escape left is not read here)
  const literal = (t: string) => (json ? jsonStringValue(t) : /["'\\`]/.test(t) ? null : t);
  // (a prefix with a quote or an escape in it is not read: it may then be anything)
  const head = (t: string) => (json ? t.replace(/^"/, '') : t);
  if (!known) return { names, value: null, prefix: /["'\\`]/.test(head(prefix ?? '')) ? '' : head(prefix ?? ''), ...(why ? { unknown: why } : {}) };
  const value = literal(written);
  return { names, value: value === '' ? null : value, prefix: value ?? '' };
}

/**
 * The artifact (of `hostPaths`, repository-relative) that the source may name, read from the
 * build context `context`: the one its value names or lies in or holds, any one for a pattern,
 * and for a value not known, any one its known beginning may lead to.
 */
export function variableReach(v: VariableSource, context: string, hostPaths: readonly string[]): string | null {
  const reaches = (p: string, a: string) => p === a || p.startsWith(`${a}/`) || a.startsWith(p === '' ? '' : `${p}/`);
  if (v.value !== null) {
    if (/[*?[]/.test(v.value)) return hostPaths[0] ?? null;
    const p = resolveRel(context, v.value.replace(/^\/+/, ''));
    return hostPaths.find((a) => reaches(p, a)) ?? null;
  }
  const head = v.prefix.replace(/^\/+/, '').replace(/^(\.\/)+/, '');
  if (head === '' || head.split('/').includes('..')) return hostPaths[0] ?? null;
  const start = context === '' ? head : `${context}/${head}`;
  return hostPaths.find((a) => a.startsWith(start) || start.startsWith(`${a}/`)) ?? null;
}

/**
 * The value of `v` when it names one of `artifacts` (or a path inside one) from the context as a
 * plain path would: known, and no pattern (a pattern may match more than it). Null otherwise (a
 * folder holding an artifact, a pattern, a value not known). The line is then rewritten as a
 * literal one, so every other build of the file must read the same value
 * (../plan/runtime-rebuilds.ts).
 */
export function namedThrough(v: VariableSource, context: string, artifacts: readonly { hostPath: string }[]): string | null {
  if (v.value === null || /[*?[]/.test(v.value)) return null;
  const p = resolveRel(context, v.value.replace(/^\/+/, ''));
  return artifacts.some((a) => p === a.hostPath || p.startsWith(`${a.hostPath}/`)) ? v.value : null;
}

/**
 * Why a variable's value is not known: a modifier (`${X:-y}`) or a pattern operator
 * (`${BIN%.exe}`, which the parser reads as part of the name) the tool does not evaluate, no
 * ARG or ENV of the stage giving it (the base image may), or a value given only at run time.
 */
function unknownWhy(v: { getName(): string; getModifier(): string | null }, written: string, value: string | null | undefined): string {
  const name = v.getName();
  const ident = identifier(name);
  if (ident !== name) return `\`${written}\` applies the operator \`${name.slice(ident.length)}\` to ${ident}, which the tool does not evaluate`;
  if (v.getModifier() !== null) return `\`${written}\` uses a modifier the tool does not evaluate`;
  if (value === undefined) return `no ARG or ENV of the stage sets ${name}, which the base image may set`;
  return `${name}'s value is only known when the build runs`;
}

/** The variable's own name: dockerfile-ast keeps a pattern operator in it (`BIN%.exe` of `${BIN%.exe}`). */
function identifier(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*/.exec(name)?.[0] ?? name;
}

/** `hostPath` (repository-relative) as a COPY source read from the build context `context`. */
export function contextSource(hostPath: string, context: string): string {
  return context === '' ? hostPath : hostPath.startsWith(`${context}/`) ? hostPath.slice(context.length + 1) : hostPath;
}
