/**
 * A builder image the migration would stop building may still be used by its tag outside the
 * setup's own script: a test script (`docker run --rm app:build go test`), a Makefile target, a
 * CI step after the build, a Dockerfile `FROM app:build`, a scanner (`trivy image app:build`),
 * the tag handed to another program. The old pipeline left that image behind, so each of them
 * worked; with the builder build gone they would fail, or use a stale image.
 *
 * So every candidate file of the root is searched for every builder tag, and a place that may
 * use it keeps the builder build (as `docker build --target <stage>` of the merged Dockerfile):
 * the image is then built with the same tag, from the same instructions, as before. Files the
 * walk passed over (a compose file no read script runs, a scanner script that never says docker,
 * a Python script, a Taskfile: src/discover/passed-over.ts) are searched too, as text, in a second
 * look made only when some builder build would go (./passed-over-files.ts). A builder
 * tag only known at run time (`-t "$TAG"` after `TAG=${TAG:-app-build}`) is searched for by the
 * name it falls back to, and kept as it is written.
 *
 * A read script is searched by the values of its commands' words (and the variables set for a
 * command alone), so `docker run "$B"` counts where `B=app:build` was set, and the assignment
 * itself does not; a shell script's or Makefile's text outside its commands is variables,
 * comments and syntax. In the other kinds (CI YAML, package.json, JavaScript, Jenkinsfiles,
 * PowerShell) a name outside the commands read (a job's `image:`, an `env:` entry) counts, but
 * for a JavaScript const whose every read is followed (./js-const-uses.ts): its declaration is
 * no use, its reads are.
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
import { dynamicTags, sameText } from '../analyze/dynamic-tag.js';
import { removesOnlyImages } from '../analyze/extractions.js';
import { buildInputs } from '../analyze/link.js';
import { dockerInvocation, flagValues } from '../model/docker-command.js';
import type { RepoFs } from '../model/fs.js';
import { canonicalImage } from '../model/image-ref.js';
import { shownCommand, shownWord, type ScriptCommand, type ScriptFile, type Word } from '../model/script.js';
import { keepsBuilderImage, type Setup } from '../model/setup.js';
import { unknownProgramWord } from '../analyze/unknown-program.js';
import { variableBuilderRef } from './variable-builder-refs.js';
import { LineIndex } from '../model/text.js';
import { fileKind } from '../kinds/registry.js';
import { indexedBuilds, isReleased } from '../analyze/release-scripts.js';
import type { DockerfileFacts } from '../analyze/dockerfile.js';
import { commentsOf, passedOverFiles } from './passed-over-files.js';
import { isDocumentation } from '../discover/passed-over.js';
import { toTerminal } from '../analyze/host-uses.js';
import { constUsesFollowed, jsBindings, type JsBindings } from './js-const-uses.js';
import type { EmbeddedScript } from '../analyze/embedded.js';
import { failureIgnored } from './failure-ignored.js';
import { exportedReadBy } from './exported-env.js';
import { addTo } from '../model/multimap.js';
import { azureTaskImages } from './azure-task-builds.js';
import { composeServiceImage } from '../analyze/compose.js';

/** Where a builder image may be used: the command as written, or the line. */
type TagMention = NonNullable<Setup['builderTagUsedElsewhere']>;

/** The characters of an image reference (`registry:5000/team/app:1.2@sha256:…`), by char code. */
const REF_CHARS = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/:@') REF_CHARS[c.charCodeAt(0)] = 1;
const isRefChar = (code: number) => code < 128 && REF_CHARS[code] === 1;
/** What separates the parts of a reference: its path components, tag and digest. */
const [SLASH, COLON, AT, DASH] = ['/', ':', '@', '-'].map((c) => c.charCodeAt(0)) as [number, number, number, number];
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
    const s = t.replace(/^\/+/, '');
    if (s !== '' && !s.endsWith(':') && !s.endsWith('/')) out.push(canonicalImage(s));
  };
  add(token);
  if (/[.]$/.test(token)) add(token.replace(/[.]+$/, ''));
  for (let at = token.indexOf(':'); at >= 0; at = token.indexOf(':', at + 1)) add(token.slice(at + 1));
  return out;
}

/** The literal names each setup's builder image is known by: its literal tags, and the name each run-time tag falls back to. */
function namesOf(setup: Setup): string[] {
  const dynamic = dynamicTags(setup.builder);
  if (dynamic.length === 0) return setup.builder.tags;
  const literal = flagValues(setup.builder.inv, '--tag').flatMap((w) => (w.value !== null ? [canonicalImage(w.value)] : []));
  return [...literal, ...dynamic.flatMap((w) => (typeof w.fallback === 'string' && w.fallback !== '' ? [canonicalImage(w.fallback)] : []))];
}

/**
 * A run-time tag with no name to fall back to (`-t "$BUILDER"` set by the caller or an earlier
 * CI step, `-t "app-build:$(git rev-parse --short HEAD)"`): no name to search the other files
 * for, and whatever chose the name may use the image after the script (a test script running
 * `docker run app-build go test`). Null when the setup's own cleanup removes that image (`docker
 * rmi "$BUILDER"` after the final build): nothing outside the script can use it then.
 */
export function unsearchableTag(setup: Setup): Word | null {
  const tag = dynamicTags(setup.builder).find((w) => typeof w.fallback !== 'string' || w.fallback === '');
  if (!tag) return null;
  const removed = setup.cleanup.some((c) => {
    const inv = dockerInvocation(c);
    return inv?.verb === 'rmi' && inv.operands.some((o) => sameText(o.word, tag));
  });
  return removed ? null : tag;
}

/** The line of `rel` holding offset `at`, as a mention; null when the line is a whole-line comment (it starts with one of `comments`). */
function lineMention(rel: string, lines: LineIndex, at: number, comments: readonly string[]): TagMention | null {
  const line = lines.lineOf(at);
  const text = lines.lineText(line);
  const start = text.trimStart();
  return comments.some((c) => start.startsWith(c)) ? null : { file: rel, line, text: text.trim() };
}

/**
 * For each setup whose builder build would go, the first place outside its own steps (in file
 * and line order) that may use its builder image by tag.
 */
function builderTagMentions(analysis: Analysis, fs: RepoFs): Map<Setup, TagMention> {
  const out = new Map<Setup, TagMention>();
  const wanted = new Map<string, Setup[]>();
  for (const s of analysis.setups) {
    if (!s.runtime || s.builder.stock || keepsBuilderImage(s)) continue;
    for (const n of new Set(namesOf(s))) addTo(wanted, n, s);
  }
  if (wanted.size === 0) return out;
  // Each name, with the `:tag` its tags spell after it (null: `:latest`, which a reference may leave out).
  const suffixes = new Map<string, (string | null)[]>();
  for (const c of wanted.keys()) {
    const n = needleOf(c);
    if (n === '') continue;
    const tag = c.slice(c.lastIndexOf(':'));
    addTo(suffixes, n, tag === ':latest' || tag.includes('/') ? null : tag);
  }
  const needles = new Set(suffixes.keys());
  const own = new Set(analysis.setups.flatMap(setupCommands));
  const shortest = Math.min(...[...needles].map((n) => n.length));
  const longest = Math.max(...[...needles].map((n) => n.length));
  /** Each run of image-reference characters in `text` one of whose parts is one of the names, with the setups it may name. */
  const hitsIn = (text: string, found: (from: number, hits: Setup[]) => void, onName?: (name: string) => boolean) => {
    for (let i = 0; i < text.length; ) {
      if (!isRefChar(text.charCodeAt(i))) {
        i++;
        continue;
      }
      const from = i;
      let named: string | null = null;
      for (let part = i; ; i++) {
        const code = i < text.length ? text.charCodeAt(i) : 0;
        const ref = isRefChar(code);
        if (!ref || code === SLASH || code === COLON || code === AT) {
          // No part of a reference starts with `-`: one that does follows a shell default's `:-` (`${TAG:-app-build}`).
          while (part < i && text.charCodeAt(part) === DASH) part++;
          if (named === null && i - part >= shortest && i - part <= longest) {
            const p = text.slice(part, i);
            if (needles.has(p)) named = p;
          }
          part = i + 1;
        }
        if (!ref) break;
      }
      if (named === null) continue;
      if (onName) {
        if (onName(named)) return;
        continue;
      }
      const hits = spellings(text.slice(from, i)).flatMap((c) => wanted.get(c) ?? []);
      if (hits.length > 0) found(from, hits);
    }
  };
  const record = (hits: Setup[], rel: string, mention: (setup: Setup) => TagMention | null) => {
    for (const setup of hits) {
      if (out.has(setup) || rel === setup.builder.dockerfile) continue;
      const m = mention(setup);
      if (m) out.set(setup, m);
    }
  };
  // One pass over each file's text finds the files that hold one of the names at all (a search
  // per tag and file was quadratic); a read script is then searched by the values of its
  // commands' words, so a tag in a variable counts where the variable is used, not where it is set.
  const first = filesToSearch(analysis);
  for (const rel of first) {
    const text = fs.readText(rel);
    if (text === null) continue;
    // A name is enough (`N=acme/app` then `"$N:build"` spells the tag only in the word's value);
    // a script released after analysis is read again only if its text also holds the `:tag`.
    const script = analysis.scripts.get(rel) ?? null;
    const released = script !== null && isReleased(script);
    let holds = false;
    hitsIn(text, () => {}, (name) => (holds = !released || suffixes.get(name)!.some((t) => t === null || text.includes(t))));
    if (!holds) continue;
    if (script) {
      for (const cmd of script.commands) {
        if (own.has(cmd) || printsOnly(cmd)) continue;
        const inv = dockerInvocation(cmd);
        const tagWords = inv?.verb === 'build' ? new Set(flagValues(inv, '--tag')) : null;
        const n = cmd.words.length;
        for (let k = 0; k < n + cmd.redirects.length; k++) {
          const w = k < n ? cmd.words[k]! : cmd.redirects[k - n]!.target;
          // A word only known at run time is searched by what it is when the environment sets nothing (`"${TAG:-app-build}"`).
          const value = w.value ?? w.fallback ?? null;
          // The program and subcommand (`docker build` when a builder is tagged `build`) and a name a build gives with `-t` use no image.
          if (value === null || value.length < shortest || (inv && k <= inv.verbIndex) || tagWords?.has(w)) continue;
          hitsIn(value, (_at, hits) => record(hits, rel, (setup) => (inv?.verb === 'rmi' && harmlessRemoval(script, setup, cmd) ? null : commandMention(cmd))));
        }
        for (const v of cmd.env?.values() ?? []) if (v !== null) hitsIn(v, (_at, hits) => record(hits, rel, () => commandMention(cmd)));
        // A name the script exported reaches the program in its environment (./exported-env.ts).
        for (const name of exportedReadBy(cmd, inv)) {
          const v = cmd.vars.get(name);
          if (v != null && v.length >= shortest) hitsIn(v, (_at, hits) => record(hits, rel, () => ({ ...commandMention(cmd), via: `${name}=${v} in its environment` })));
        }
      }
      // Shell and Make set variables outside commands (`B := app:build`): their uses are in the
      // commands' words. In YAML, JSON, JavaScript, Groovy and PowerShell a name outside the
      // commands read (a job's `image:`, an `env:` entry, a string) may be a use.
      if (script.kind === 'shell' || script.kind === 'make') continue;
    }
    const lines = new LineIndex(text);
    // A JavaScript const's declaration is no use when every read of it is followed (./js-const-uses.ts).
    let bindings: JsBindings | null | undefined;
    const followedConst = (at: number) => script!.kind === 'javascript' && constUsesFollowed((bindings ??= jsBindings(text)) ?? null, script!, at);
    hitsIn(text, (at, hits) => {
      if (script && (commandAt(script, at) || followedConst(at))) return;
      const comment = script ? fileKind(script.kind).comment : '#';
      const mention = lineMention(rel, lines, at, comment === null ? [] : [comment]);
      if (mention) record(hits, rel, (setup) => (rel === setup.runtime?.dockerfile && mergedAway(analysis.dockerfiles.get(rel) ?? null, at, setup) ? null : mention));
    });    if (/\.ya?ml$/i.test(rel)) dockerTaskMentions(rel, text, lines, hitsIn, record);
  }
  // The second look (./passed-over-files.ts): files the walk passed over, read again only now
  // that a builder build would go, and searched as text (a mention outside a whole-line comment
  // counts), each let go once searched. Not needed once every such setup keeps its build.
  // Only a literal spelling counts there, so when every name has a `:tag` of its own, a file
  // holding none of those tags is done with one native search (most files, on a monorepo).
  const searching = new Set([...wanted.values()].flat());
  const tags = [...suffixes.values()].flat();
  const literalTags = tags.includes(null) ? null : [...new Set(tags as string[])];
  for (const rel of passedOverFiles(analysis, new Set(first))) {
    if (out.size === searching.size) break;
    const text = fs.peekText ? fs.peekText(rel) : fs.readText(rel);
    if (text === null || (literalTags && !literalTags.some((t) => text.includes(t)))) continue;
    let holds = false;
    hitsIn(text, () => {}, () => (holds = true));
    if (!holds) continue;
    const lines = new LineIndex(text);
    const comments = commentsOf(rel, text);
    hitsIn(text, (at, hits) => {
      const mention = lineMention(rel, lines, at, comments);
      if (mention) record(hits, rel, () => mention);
    });    if (/\.ya?ml$/i.test(rel)) dockerTaskMentions(rel, text, lines, hitsIn, record);
  }
  return out;
}

/**
 * An Azure Pipelines `Docker@2` task names an image by `repository:` and `tags:` apart, so the
 * text never spells `app:build`: each name it gives (./azure-task-builds.ts) is searched, as a
 * mention on the task's line. A file that cannot be parsed is searched as text alone.
 */
function dockerTaskMentions(rel: string, text: string, lines: LineIndex, hitsIn: (text: string, found: (from: number, hits: Setup[]) => void) => void, record: (hits: Setup[], rel: string, mention: (setup: Setup) => TagMention | null) => void): void {
  for (const { ref, line } of azureTaskImages(text) ?? []) {
    hitsIn(ref, (_at, hits) => record(hits, rel, () => ({ file: rel, line, text: `${lines.lineText(line).trim()} (${ref})` })));
  }
}

/**
 * Marks each setup whose builder image is used elsewhere to keep its builder build
 * (`builderTagUsedElsewhere`); a `docker rmi` of that image after the final build then stays
 * too, as the old script removed it. A tag only known at run time is kept as it is written
 * (`-t "$TAG"`), so whatever name it has, the image is built as before. Planning the same
 * analysis again finds the marks already made.
 */
export function markBuilderTagUses(analysis: Analysis, fs: RepoFs): void {
  for (const setup of analysis.setups) {
    if (!setup.runtime || setup.builder.stock || keepsBuilderImage(setup)) continue;
    const tag = unsearchableTag(setup);
    if (tag) setup.builderTagUnknown = { file: setup.script, line: setup.builder.inv.cmd.line, tag: shownWord(tag, analysis.scripts.get(setup.script)) };
  }
  for (const [setup, mention] of builderTagMentions(analysis, fs)) keepBuilderImageFor(setup, mention);
  for (const [setup, mention] of composeProjectImageUses(analysis)) keepBuilderImageFor(setup, mention);
  // A runtime FROM/COPY --from/mount written with variables that may name the builder image (./variable-builder-refs.ts).
  for (const setup of analysis.setups) {
    if (!setup.runtime || setup.builder.stock || keepsBuilderImage(setup)) continue;
    const facts = setup.runtime.dockerfile ? analysis.dockerfiles.get(setup.runtime.dockerfile) : undefined;
    const ref = facts ? variableBuilderRef(setup, facts) : null;
    if (ref) keepBuilderImageFor(setup, ref);
  }
}

/**
 * A compose service built without `image:` in a project named after the checkout's folder
 * (`compose-service:builder`, ../analyze/compose.ts) is tagged `<folder>-builder`, a name not
 * known here: a word of a command the tool read (outside any setup's steps) that may be that
 * name (`docker run --rm myrepo-builder go test`, `myrepo_builder` for compose v1) may use it.
 */
function composeProjectImageUses(analysis: Analysis): Map<Setup, TagMention> {
  const out = new Map<Setup, TagMention>();
  const wanted = analysis.setups.filter((s) => s.runtime && !s.builder.stock && !keepsBuilderImage(s) && s.builder.tags.some((t) => t.startsWith('compose-service:')));
  if (wanted.length === 0) return out;
  const own = new Set(analysis.setups.flatMap(setupCommands));
  for (const script of analysis.scripts.values()) {
    for (const cmd of script.commands) {
      if (own.has(cmd) || printsOnly(cmd)) continue;
      const inv = dockerInvocation(cmd);
      const tagWords = inv?.verb === 'build' ? new Set(flagValues(inv, '--tag')) : null;
      cmd.words.forEach((w, k) => {
        const value = w.value ?? w.fallback ?? null;
        if (k === 0 || value === null || value.startsWith('-') || (inv && k <= inv.verbIndex) || tagWords?.has(w)) return;
        for (const setup of wanted) {
          if (!out.has(setup) && setup.builder.tags.some((t) => composeServiceImage(t, value))) out.set(setup, { ...commandMention(cmd), via: `the name compose gives the builder service's image in a project named after the checkout's folder (${value})` });
        }
      });
    }
  }
  return out;
}

/** Keeps the setup's builder image for a use outside its script, and the `docker rmi` of it after the final build. */
function keepBuilderImageFor(setup: Setup, mention: TagMention): void {
  setup.builderTagUsedElsewhere = mention;
  const tags = new Set(setup.builder.tags);
  setup.cleanup = setup.cleanup.filter((c) => !removesOnlyImages(dockerInvocation(c), tags));
}

/**
 * A command of another script run after the setup's (a caller's, a neighbour's, a sibling
 * target's) whose program is only known at run time (`$TOOL go vet`, `sh -c "$CMD"`,
 * ../analyze/unknown-program.ts) may be `docker run` of the builder image the old script left
 * behind: the builder image stays built for it.
 */
export function markUnknownProgram(setup: Setup, cmd: ScriptCommand): void {
  if (setup.builder.stock || setup.builderTagUsedElsewhere) return;
  const word = unknownProgramWord(cmd);
  if (word) keepBuilderImageFor(setup, { ...commandMention(cmd), via: `\`${word.raw}\` runs a program only known at run time` });
}

/** Every candidate file, and every Dockerfile a build of a read script names (`FROM app:build`). */
function filesToSearch(analysis: Analysis): string[] {
  // A kept file that no reader took as a script and that is documentation by its name (a
  // README without an extension that says `docker run app:build`) is not searched, as a passed-over one is not.
  const files = new Set([...analysis.files.filter((f) => analysis.scripts.has(f) || !isDocumentation(f)), ...analysis.dockerfiles.keys()]);
  for (const script of analysis.scripts.values()) {
    for (const c of indexedBuilds(script)) {
      const inv = dockerInvocation(c);
      const dockerfile = inv ? buildInputs(inv, c.stdinFrom === null ? null : script.commands.find((f) => f.index === c.stdinFrom)).dockerfile : null;
      if (dockerfile !== null) files.add(dockerfile);
    }
  }
  return [...files].sort();
}

const commandMention = (cmd: ScriptCommand): TagMention => ({ file: cmd.file, line: cmd.line, text: shownCommand(cmd) });

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

/**
 * A `docker rmi` of a builder image that needs no builder build: one in the sequence (the script,
 * a Make target, a CI job) holding the setup's builder build, which the linker takes as cleanup
 * or host effects drop (./host-effects.ts), or one whose failure is ignored. Another (`make
 * clean` running `docker rmi app:build`) would fail once the image is no longer built, so it
 * keeps the build, as any other use of the tag does.
 */
function harmlessRemoval(script: ScriptFile, setup: Setup, cmd: ScriptCommand): boolean {
  if (failureIgnored(cmd, script)) return true;
  if (script.file !== setup.script) return false;
  const sequences = 'sequences' in script ? (script as EmbeddedScript).sequences : [script.commands];
  return sequences.some((s) => s.includes(cmd) && s.includes(setup.builder.inv.cmd));
}

/** `echo`/`printf` whose output goes to the terminal (or nowhere), not to a file another step reads. */
function printsOnly(cmd: ScriptCommand): boolean {
  const prog = cmd.words[0]?.value;
  if (!prog || !PRINTS.has(path.basename(prog))) return false;
  return toTerminal(cmd);
}
