/**
 * A file's analysis made compact once the file is analysed, for the time it is kept (a sweep
 * keeps every setup's script and its setups until the plan is made).
 *
 * Lists at their length: the readers build their lists by pushing, and V8 gives an array that grows from empty room
 * for 17 elements: a list of one command, stage or artifact takes about 150 bytes instead of
 * 24. A sweep keeps every setup's script and its setups until the plan is made, so on the
 * bench's trees that room was about a tenth of the live heap. A copy (`slice`) has exactly its
 * length. Only lists nothing else holds are copied: the containers' own fields are replaced, so
 * every object keeps its identity (commands, invocations and setups are keys of maps).
 *
 * The variables a command sees: each snippet of a Makefile or package.json is read in a shell of
 * its own, so each command had its own map of the same few variables (a map takes about 180
 * bytes however few its entries). Commands of one script whose maps hold the same entries share
 * one map (one for all scripts when it is empty); the maps are only read. A word's spellings
 * that are the same text are one string.
 */
import type { EmbeddedScript } from './embedded.js';
import type { Branch, ScriptCommand, ScriptFile, Word } from '../model/script.js';
import type { Setup } from '../model/setup.js';
import { exactList } from '../model/exact-list.js';

/** Replaces a script's command lists (its commands, sequences, parts and entries) with copies at their length; equal variable maps and a word's equal spellings shared. */
export function exactScriptLists(script: ScriptFile): void {
  script.commands = script.commands.slice();
  const e = script as Partial<EmbeddedScript>;
  if (e.sequences) e.sequences = e.sequences.map((seq) => seq.slice());
  if (e.parts) e.parts = e.parts.slice();
  if (e.entries) e.entries = e.entries.slice();
  const seen = new Map<string, Vars>();
  shareEqualVars(script.commands, seen);
  for (const seq of e.sequences ?? []) shareEqualVars(seq, seen);
  // Each snippet's variables, as read and as a second reading starts with them.
  for (const p of e.parts ?? []) {
    p.snippet.vars = shared(p.snippet.vars, seen);
    p.init.vars = shared(p.init.vars, seen);
  }
  const branchLists = new Map<readonly Branch[], readonly Branch[]>();
  for (const c of script.commands) {
    for (const w of c.words) shareEqualTexts(w);
    // Most commands have no redirect: their empty lists are one (../model/exact-list.ts).
    c.redirects = exactList(c.redirects);
    if (c.branches) c.branches = exactBranches(c.branches, branchLists);
  }
}

/**
 * A command's branches at their length: a snippet's list is spread into each command's (room
 * for 17 branches, about 150 bytes, for one or two), and the commands of one chain member share
 * their list, which stays shared (one copy per list). A chain member's commands before it are
 * an empty list for the chain's first member after a command that made none.
 */
function exactBranches(list: readonly Branch[], copies: Map<readonly Branch[], readonly Branch[]>): readonly Branch[] {
  let copy = copies.get(list);
  if (copy === undefined) {
    copy = exactList(list);
    for (const b of copy) if (b.after?.length === 0) b.after = exactList(b.after);
    copies.set(list, copy);
  }
  return copy;
}

/**
 * A word's spellings that are the same text become one string: its value, symbol, static
 * prefix and raw text are read separately (a plain word's raw text is a copy of the file's),
 * so a plain word held its text up to four times.
 */
function shareEqualTexts(w: Word): void {
  const v = w.value;
  if (v === null) return;
  if (w.raw === v) w.raw = v;
  if (w.symbol === v) w.symbol = v;
  if (w.staticPrefix === v) w.staticPrefix = v;
}

/** The map of a command that sees no variables, shared by every script. */
const NO_VARS: Vars = new Map();

type Vars = ScriptCommand['vars'];

/** Commands whose variable maps hold the same entries, in the same order, get one map. */
function shareEqualVars(commands: readonly ScriptCommand[], seen: Map<string, Vars>): void {
  for (const c of commands) c.vars = shared(c.vars, seen);
}

/** The first map seen with the same entries in the same order (NO_VARS for none). */
function shared(vars: Vars, seen: Map<string, Vars>): Vars {
  if (vars.size === 0) return NO_VARS;
  let key = '';
  for (const [k, v] of vars) key += `${k}\0${v === null ? '\u0001' : `=${v}`}\0`;
  const same = seen.get(key);
  if (same !== undefined) return same;
  seen.set(key, vars);
  return vars;
}

/** The same for a setup's lists (steps, artifacts and each artifact's consumers). */
export function exactSetupLists(s: Setup): void {
  s.extraction = s.extraction.slice();
  s.cleanup = s.cleanup.slice();
  s.cleanupWords = s.cleanupWords.slice();
  s.artifacts = s.artifacts.map((a) => Object.assign(a, { consumers: a.consumers.slice() }));
}
