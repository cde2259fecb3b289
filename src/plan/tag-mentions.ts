/**
 * A builder image the migration would stop building may still be used by its tag outside the
 * setup's own script: a test script (`docker run --rm app:build go test`), a Makefile target, a
 * CI step after the build, a Dockerfile `FROM app:build`, a scanner (`trivy image app:build`),
 * the tag handed to another program. The old pipeline left that image behind, so each of them
 * worked; with the builder build gone they would fail, or use a stale image.
 *
 * So every candidate file of the root is searched for every builder tag, and a place that may
 * use it keeps the builder build (as `docker build --target <stage>` of the merged Dockerfile):
 * the image is then built with the same tag, from the same instructions, as before. A builder
 * tag only known at run time cannot be kept that way: a use of the name it falls back to
 * refuses the setup instead.
 *
 * What does not count: a command of any setup's own steps (the builder build, the extraction,
 * the cleanup, the runtime build: a setup that tags the same name builds it itself), a command
 * that only prints the name (`echo`, `printf` with no redirect to a file), a `docker build`
 * that gives the name with `-t`, a `docker rmi` in the setup's own script (the linker's
 * cleanup, or the group's: src/plan/builder-group.ts), a whole-line comment, the builder
 * Dockerfile itself, and a `FROM` or `COPY --from` of the runtime Dockerfile naming the tag (the
 * merge makes it name the builder stage; `ARG BASE=app:build` there still counts). A
 * mention anywhere else (a command of any other kind, a word the script reader did not follow,
 * a Dockerfile instruction, a trailing comment) counts.
 */
import path from 'node:path/posix';
import { setupCommands, type Analysis } from '../analyze/index.js';
import { dynamicTags } from '../analyze/dynamic-tag.js';
import { wordKey } from '../analyze/extractions.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { dockerInvocation, flagValues } from '../model/docker-command.js';
import type { RepoFs } from '../model/fs.js';
import { canonicalImage } from '../model/image-ref.js';
import type { ScriptCommand, ScriptFile } from '../model/script.js';
import { keepsBuilderImage, type Setup } from '../model/setup.js';
import { LineIndex } from '../model/text.js';
import { fileKind } from '../kinds/registry.js';
import { resolveRel } from '../model/paths.js';
import { indexedBuilds } from '../analyze/release-scripts.js';
import type { DockerfileFacts } from '../analyze/dockerfile.js';

export interface TagMention {
  file: string;
  line: number;
  /** What stands there: the command as written, or the line. */
  text: string;
  /** The tag as the setup's build gives it. */
  tag: string;
}

/** The characters of an image reference (`registry:5000/team/app:1.2@sha256:…`), by char code. */
const REF_CHARS = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/:@') REF_CHARS[c.charCodeAt(0)] = 1;
const isRefChar = (code: number) => code < 128 && REF_CHARS[code] === 1;
/** What separates the parts of a reference: its path components, tag and digest. */
const [SLASH, COLON, AT] = ['/', ':', '@'].map((c) => c.charCodeAt(0)) as [number, number, number];
/** Programs that only print a word they are given. */
const PRINTS = new Set(['echo', 'printf']);

/** The name an image reference is searched for by: its last path component, before any tag or digest. */
function needleOf(canonical: string): string {
  const last = canonical.slice(canonical.lastIndexOf('/') + 1);
  return last.split(/[:@]/, 1)[0]!;
}

/** The canonical references a token may spell, transport prefixes aside (`docker-daemon:app:build`, `docker://app:build`). */
function spellings(token: string): string[] {
  const out: string[] = [];
  const add = (t: string) => {
    const s = t.replace(/^\/+/, '').replace(/^index\.docker\.io\//, 'docker.io/').replace(/^library\//, '');
    if (s !== '' && !s.endsWith(':') && !s.endsWith('/')) out.push(canonicalImage(s));
  };
  add(token);
  if (/[.]$/.test(token)) add(token.replace(/[.]+$/, ''));
  for (let at = token.indexOf(':'); at >= 0; at = token.indexOf(':', at + 1)) add(token.slice(at + 1));
  return out;
}

/** The literal names each setup's builder image is known by (a run-time tag: the name it falls back to). */
function namesOf(setup: Setup): { names: string[]; dynamic: boolean } {
  const dynamic = dynamicTags(setup.builder);
  if (dynamic.length === 0) return { names: setup.builder.tags, dynamic: false };
  const names = dynamic.flatMap((w) => (typeof w.fallback === 'string' && w.fallback !== '' ? [canonicalImage(w.fallback)] : []));
  return { names, dynamic: true };
}

/**
 * For each setup whose builder build would go, the first place outside its own steps (in file
 * and line order) that may use its builder image by tag.
 */
function builderTagMentions(analysis: Analysis, fs: RepoFs): Map<Setup, { mention: TagMention; dynamic: boolean }> {
  const out = new Map<Setup, { mention: TagMention; dynamic: boolean }>();
  const wanted = new Map<string, { setup: Setup; dynamic: boolean }[]>();
  for (const s of analysis.setups) {
    if (!s.runtime || s.builder.stock || keepsBuilderImage(s)) continue;
    const { names, dynamic } = namesOf(s);
    for (const n of new Set(names)) wanted.set(n, [...(wanted.get(n) ?? []), { setup: s, dynamic }]);
  }
  if (wanted.size === 0) return out;
  const needles = new Set([...wanted.keys()].map(needleOf).filter((n) => n !== ''));
  const own = new Set(analysis.setups.flatMap(setupCommands));
  const shortest = Math.min(...[...needles].map((n) => n.length));
  const longest = Math.max(...[...needles].map((n) => n.length));
  // One pass over each file's text: every run of image-reference characters one of whose parts
  // is one of the names is checked against the tags (a search per tag and file was quadratic).
  for (const rel of filesToSearch(analysis)) {
    const text = fs.readText(rel);
    if (text === null) continue;
    let lines: LineIndex | null = null;
    for (let i = 0; i < text.length; ) {
      if (!isRefChar(text.charCodeAt(i))) {
        i++;
        continue;
      }
      const from = i;
      let named = false;
      for (let part = i; ; i++) {
        const code = i < text.length ? text.charCodeAt(i) : 0;
        const ref = isRefChar(code);
        if (!ref || code === SLASH || code === COLON || code === AT) {
          if (!named && i - part >= shortest && i - part <= longest) named = needles.has(text.slice(part, i));
          part = i + 1;
        }
        if (!ref) break;
      }
      if (!named) continue;
      const hits = spellings(text.slice(from, i)).flatMap((c) => wanted.get(c) ?? []);
      if (hits.length === 0) continue;
      lines ??= new LineIndex(text);
      for (const { setup, dynamic } of hits) {
        if (out.has(setup) || rel === setup.builder.dockerfile) continue;
        const found = mentionAt(rel, text, from, lines, analysis, own, setup);
        if (found) out.set(setup, { mention: { ...found, tag: tagAsWritten(setup) }, dynamic });
      }
    }
  }
  return out;
}

/**
 * Marks each setup whose builder image is used elsewhere: a literal tag keeps the builder build
 * (`builderTagUsedElsewhere`; a `docker rmi` of that image after the final build then stays
 * too, as the old script removed it), a tag only known at run time refuses. Returns those
 * refusals. Planning the same analysis again finds the marks already made.
 */
export function markBuilderTagUses(analysis: Analysis, fs: RepoFs): Map<Setup, Diagnostic> {
  const refusals = new Map<Setup, Diagnostic>();
  for (const [setup, { mention, dynamic }] of builderTagMentions(analysis, fs)) {
    const where = `\`${mention.text}\` (${mention.file}:${mention.line})`;
    if (dynamic) {
      refusals.set(setup, diag('REMOVED_NAME_USED', 'error', `${where} may use the builder image \`${mention.tag}\` by the name its tag falls back to, and that image is no longer built`, { file: setup.script, line: setup.builder.inv.cmd.line, setup: setup.id, hint: 'Tag the builder build with a literal name (the tool then keeps its build for that use), or migrate this setup by hand.' }));
      continue;
    }
    setup.builderTagUsedElsewhere = { file: mention.file, line: mention.line, text: mention.text };
    const tags = new Set(setup.builder.tags);
    setup.cleanup = setup.cleanup.filter((c) => {
      const inv = dockerInvocation(c);
      return !(inv?.verb === 'rmi' && inv.operands.length > 0 && inv.operands.every((o) => tags.has(canonicalImage(wordKey(o.word)))));
    });
  }
  return refusals;
}

function tagAsWritten(setup: Setup): string {
  return flagValues(setup.builder.inv, '--tag')[0]?.raw ?? setup.builder.tags[0]!;
}

/** Every candidate file, and every Dockerfile a build of a read script names (`FROM app:build`). */
function filesToSearch(analysis: Analysis): string[] {
  const files = new Set([...analysis.files, ...analysis.dockerfiles.keys()]);
  for (const script of analysis.scripts.values()) {
    for (const c of indexedBuilds(script)) {
      const inv = dockerInvocation(c);
      if (!inv) continue;
      const file = flagValues(inv, '--file')[0];
      const ctx = inv.operands[0]?.word.value ?? null;
      if (file) {
        if (file.value !== null) files.add(resolveRel(c.cwd!, file.value));
      } else if (ctx !== null && !/^[a-z]+:\/\/|^git@|^-$/.test(ctx)) files.add(resolveRel(resolveRel(c.cwd!, ctx), 'Dockerfile'));
    }
  }
  return [...files].sort();
}

/** What stands at offset `at` of a candidate file, when it may use an image named there. */
function mentionAt(rel: string, text: string, at: number, lines: LineIndex, analysis: Analysis, own: ReadonlySet<ScriptCommand>, setup: Setup): Omit<TagMention, 'tag'> | null {
  const line = lines.lineOf(at);
  const lineText = lines.lineText(line);
  const script = analysis.scripts.get(rel) ?? null;
  const comment = script ? fileKind(script.kind).comment : '#';
  if (comment !== null && lineText.trimStart().startsWith(comment)) return null;
  if (rel === setup.runtime?.dockerfile && mergedAway(analysis.dockerfiles.get(rel) ?? null, at, setup)) return null;
  const cmd = script ? commandAt(script, at) : null;
  if (!cmd) return { file: rel, line, text: lineText.trim() };
  if (own.has(cmd) || printsOnly(cmd) || namesBuiltTag(cmd, at)) return null;
  // The program and subcommand words (`docker build` when a builder is tagged `build`) name no image.
  const inv = dockerInvocation(cmd);
  const k = cmd.words.findIndex((w) => w.start <= at && at < w.end);
  if (inv && k >= 0 && k <= inv.verbIndex) return null;
  // `docker rmi` of builder images in the setup's own script is the linker's and the group's to decide (src/plan/builder-group.ts).
  if (rel === setup.script && dockerInvocation(cmd)?.verb === 'rmi') return null;
  return { file: rel, line: cmd.line, text: cmd.words.map((w) => w.raw).join(' ') };
}

/** A `FROM app:build` or `COPY --from=app:build` of the runtime Dockerfile: the merge makes it name the stage. */
function mergedAway(facts: DockerfileFacts | null, at: number, setup: Setup): boolean {
  if (!facts) return false;
  const tags = new Set(setup.builder.tags);
  const inside = (span: { start: number; end: number }) => span.start <= at && at < span.end;
  return facts.stages.some((st) => inside(st.from) && tags.has(canonicalImage(st.image))) || facts.copies.some((c) => c.from !== null && inside(c.from.span) && tags.has(canonicalImage(c.from.value)));
}

function commandAt(script: ScriptFile, at: number): ScriptCommand | null {
  return script.commands.find((c) => c.start <= at && at < c.end) ?? null;
}

/** `echo`/`printf` whose output goes to the terminal (or nowhere), not to a file another step reads. */
function printsOnly(cmd: ScriptCommand): boolean {
  const prog = cmd.words[0]?.value;
  if (!prog || !PRINTS.has(path.basename(prog))) return false;
  return cmd.stdout === null && cmd.redirects.every((r) => r.target.value === '/dev/null' || (r.op.includes('&') && /^[12]$/.test(r.target.value ?? '')));
}

/** A `docker build` whose `-t` gives the name at `at`: it makes the image, it does not use it. */
function namesBuiltTag(cmd: ScriptCommand, at: number): boolean {
  const inv = dockerInvocation(cmd);
  if (inv?.verb !== 'build') return false;
  return flagValues(inv, '--tag').some((w) => w.start <= at && at < w.end);
}
