/**
 * Where a command's standard output and standard error end up once its redirects are applied,
 * left to right as the shell does: `> f 2>&1` sends both to f, `2>&1 > f` only the output
 * (its errors go where the output went before), `> f >&2` sends the output on to standard error
 * (f is left empty), `&> f` and `>& f` send both to f. A sink is shared by reference, so two
 * descriptors that end up at the same place hold the same object.
 */
import path from 'node:path/posix';
import type { Redirect, ScriptCommand, Word } from '../model/script.js';

export type Sink =
  /** What the command inherited on descriptor 1 or 2 (the terminal, a pipe, a capture). */
  | { kind: 'inherited'; fd: '1' | '2' }
  /** A file the redirect `at` names. */
  | { kind: 'file'; at: Redirect }
  /** Closed (`>&-`), or set in a way not read here. */
  | { kind: 'other' };

export function outputSinks(redirects: readonly Redirect[], errorsToPipe = false): { out: Sink; err: Sink } {
  const fds: Record<'1' | '2', Sink> = { '1': { kind: 'inherited', fd: '1' }, '2': { kind: 'inherited', fd: '2' } };
  const isOut = (fd: string): fd is '1' | '2' => fd === '1' || fd === '2';
  for (const r of redirects) {
    const target = r.target.value;
    if (r.op === '&>' || r.op === '&>>' || (r.op === '>&' && r.fd === null && target !== null && !/^[0-9-]$/.test(target))) {
      // both descriptors to one file
      const both: Sink = { kind: 'file', at: r };
      fds['1'] = both;
      fds['2'] = both;
      continue;
    }
    const fd = r.fd ?? (r.op.startsWith('<') ? '0' : '1');
    if (!isOut(fd)) continue;
    if (r.op === '>' || r.op === '>|' || r.op === '>>') fds[fd] = { kind: 'file', at: r };
    else if ((r.op === '>&' || r.op === '<&') && target !== null && isOut(target)) fds[fd] = fds[target];
    else fds[fd] = { kind: 'other' };
  }
  // `|&` is `2>&1 |`, applied after the command's own redirects
  if (errorsToPipe) fds['2'] = fds['1'];
  return { out: fds['1'], err: fds['2'] };
}

/** The redirect that writes the command's standard output to a file from its start (`>`, `>|`, `&>`), or null. */
export function outputFile(redirects: readonly Redirect[]): Redirect | null {
  const { out } = outputSinks(redirects);
  return out.kind === 'file' && (out.at.op === '>' || out.at.op === '>|' || out.at.op === '&>' || out.at.op === '>&') ? out.at : null;
}

/**
 * Whether two sinks may be one place: the same sink, or files whose paths are the same or only
 * known at run time (`2> app > app` opens app twice, and the errors overwrite the output's bytes).
 */
function samePlace(a: Sink, b: Sink): boolean {
  if (a === b) return true;
  if (a.kind !== 'file' || b.kind !== 'file') return false;
  const [p, q] = [a.at.target.value, b.at.target.value];
  return p === null || q === null || path.normalize(p) === path.normalize(q);
}

/** True when the command's standard error may go where its standard output goes (into the file, or down the pipe, `|&` too). */
export const errorsJoinOutput = (cmd: ScriptCommand): boolean => {
  const { out, err } = outputSinks(cmd.redirects, cmd.stdout?.kind === 'pipe' && cmd.stdout.errors === true);
  return samePlace(out, err);
};

/**
 * The file a stream lands in: its own `> f` (outputFile), or a plain `| tee f > /dev/null`: tee
 * writes exactly the bytes it reads into f (created as a redirect creates it), and its own copy
 * goes nowhere. Only tee of one file with no option (`-a` appends) and nothing after it.
 */
export function streamFile(cmd: ScriptCommand, next: ScriptCommand | null): { target: Word; cwd: string | null; tee: ScriptCommand | null } | null {
  const own = outputFile(cmd.redirects);
  if (own) return { target: own.target, cwd: cmd.cwd, tee: null };
  const out = outputSinks(cmd.redirects).out;
  if (cmd.stdout?.kind !== 'pipe' || !next || out.kind !== 'inherited' || out.fd !== '1') return null;
  const [program, file, ...more] = next.words;
  if (program?.value !== 'tee' || !file || file.value === null || file.value.startsWith('-') || more.length > 0 || next.stdout !== null) return null;
  const discarded = next.redirects.length === 1 && next.redirects[0]!.op === '>' && (next.redirects[0]!.fd ?? '1') === '1' && next.redirects[0]!.target.value === '/dev/null';
  return discarded ? { target: file, cwd: next.cwd, tee: next } : null;
}
