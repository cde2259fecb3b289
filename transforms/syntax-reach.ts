/**
 * A `# syntax=` directive chooses the frontend that reads the whole Dockerfile. Merged, the
 * directive of one file (it moves to the top, the only place it is valid) also reads the stages
 * of a file that had none, which the builder's built-in frontend read before. A pinned frontend
 * older than what that file uses (`# syntax=docker/dockerfile:1.2` reading a heredoc or a
 * `COPY --link`) fails the build or reads the line otherwise (a heredoc is a shell word to a
 * frontend that predates it); a frontend the tool does not know may read anything otherwise.
 *
 * The floating stable channel (`docker/dockerfile:1`, `…:1-labs`, `…:latest`) is at least as new
 * as any built-in frontend, so it reads every line as before. A pinned `1.N` reads a line as
 * before when the syntax it uses is stable since 1.N or earlier; syntax whose first stable
 * version the table below does not hold is accepted only by the floating channel. Syntax the
 * file that owns the directive uses itself was read by that frontend before, and is excused.
 * (A `# check=` the other file has is no syntax of its stages: with `error=true` it is refused
 * as a DIRECTIVE_CONFLICT unless both files have it; otherwise it only words warnings.)
 */
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import type { DockerfileFacts } from '../src/analyze/dockerfile.js';
import { diag, type Diagnostic } from '../src/model/diagnostics.js';
import { mayHoldHeredoc } from '../src/analyze/dockerfile-heredocs.js';

/** What a `# syntax=` value selects: the floating channel, a pinned 1.N, or something else. */
export type Frontend = { kind: 'floating' } | { kind: 'pinned'; minor: number } | { kind: 'unknown' };

/** Reads a `# syntax=` value as an image reference of Docker's own Dockerfile frontend. */
export function frontendOf(value: string): Frontend {
  let ref = value.trim();
  for (const prefix of ['docker.io/', 'index.docker.io/', 'registry-1.docker.io/']) if (ref.startsWith(prefix)) ref = ref.slice(prefix.length);
  const at = ref.indexOf('@');
  const digest = at >= 0;
  if (digest) ref = ref.slice(0, at);
  const colon = ref.lastIndexOf(':');
  const name = colon >= 0 ? ref.slice(0, colon) : ref;
  const tag = colon >= 0 ? ref.slice(colon + 1) : null;
  if (name !== 'docker/dockerfile' && name !== 'docker/dockerfile-upstream') return { kind: 'unknown' };
  // A digest alone pins an image whose version the reference does not say.
  if (tag === null) return digest ? { kind: 'unknown' } : { kind: 'floating' };
  if (['1', '1-labs', 'latest', 'labs'].includes(tag)) return { kind: 'floating' };
  const pinned = /^1\.(\d+)(?:\.\d+)?(?:-labs)?$/.exec(tag);
  if (pinned) return { kind: 'pinned', minor: Number(pinned[1]) };
  // The experimental channel of 2018–2020 (`experimental`, `1.0-experimental`, `1.1-experimental`).
  if (/^(?:1\.[01]-)?experimental$/.test(tag)) return { kind: 'pinned', minor: 1 };
  return { kind: 'unknown' };
}

/**
 * The Dockerfile 1.N in which a flag became stable (0: in every frontend); a flag not listed,
 * or listed as null, is read as needing the floating channel.
 */
const FLAG_SINCE: Readonly<Record<string, Readonly<Record<string, number | null>>>> = {
  FROM: { platform: 0 },
  COPY: { from: 0, chown: 0, chmod: 3, link: 4, parents: null, exclude: null },
  ADD: { chown: 0, chmod: 3, link: 4, checksum: 6, 'keep-git-dir': null, unpack: 17, parents: null, exclude: null },
  RUN: { mount: 2, network: 3, security: null, device: null },
  HEALTHCHECK: { interval: 0, timeout: 0, 'start-period': 0, retries: 0, 'start-interval': null },
};

/** Heredocs (`RUN <<EOF`, `COPY <<EOF /x`) are stable since Dockerfile 1.4. */
const HEREDOC_SINCE = 4;
/** A `--chmod` that is not octal (`u+x`) is stable since Dockerfile 1.14. */
const SYMBOLIC_CHMOD_SINCE = 14;

interface Feature {
  key: string;
  since: number | null;
  /** 1-based line in the text it was found in. */
  line: number;
}

type Flagged = Instruction & { getFlags?: () => { getName(): string; getValue(): string | null }[]; getHeredocs?: () => unknown[] };

/** Every version-dependent piece of syntax a Dockerfile text uses, in order. */
export function featuresOf(text: string): Feature[] {
  const ast = DockerfileParser.parse(text.replace(/^\uFEFF/, ''));
  const out: Feature[] = [];
  for (const ins of ast.getInstructions() as Flagged[]) {
    const kw = ins.getKeyword().toUpperCase();
    const line = ins.getRange().start.line + 1;
    const table = FLAG_SINCE[kw];
    for (const f of typeof ins.getFlags === 'function' ? ins.getFlags() : []) {
      const name = f.getName().toLowerCase();
      if (kw === 'COPY' || kw === 'ADD') {
        if (name === 'chmod' && !/^[0-7]+$/.test(f.getValue() ?? '')) {
          out.push({ key: `a non-octal \`${kw} --chmod\``, since: SYMBOLIC_CHMOD_SINCE, line });
          continue;
        }
      }
      const since = table && name in table ? table[name]! : null;
      if (since !== 0) out.push({ key: `\`${kw} --${name}\``, since, line });
    }
    if (['RUN', 'COPY', 'ADD'].includes(kw) && mayHoldHeredoc(ins)) {
      out.push({ key: 'a heredoc', since: HEREDOC_SINCE, line });
    }
  }
  return out;
}

const reads = (f: Frontend, since: number | null) => f.kind === 'floating' || (f.kind === 'pinned' && since !== null && since <= f.minor);

/**
 * Refusals for a merged text whose `# syntax=` directive reaches stages of a file that had
 * none: the frontend is unknown, or too old for syntax those stages (or the merge's own
 * lines) use that the directive's own file did not use already.
 */
export function syntaxReach(merged: string, files: readonly DockerfileFacts[], runtimePath: string, setup: string): Diagnostic[] {
  const owners = files.filter((f) => f.directives.some((d) => d.name === 'syntax'));
  const governed = files.filter((f) => !owners.includes(f));
  if (owners.length === 0 || governed.length === 0) return [];
  const owner = owners[0]!;
  const directive = owner.directives.find((d) => d.name === 'syntax')!;
  const value = directive.value.trim();
  const at = { file: owner.path, line: owner.lines.lineOf(directive.span.start), setup };
  const others = governed.map((g) => g.path).join(', ');
  const frontend = frontendOf(value);
  if (frontend.kind === 'unknown') {
    return [diag('SYNTAX_DIRECTIVE_REACH', 'error', `\`# syntax=${value}\` of ${owner.path} would choose the frontend that reads the stages of ${others} too, which the builder's built-in frontend read before; the tool does not know what that frontend makes of them`, { ...at, hint: `Give ${others} the same \`# syntax=\` directive (or remove it from ${owner.path}), then run the tool again.` })];
  }
  if (frontend.kind === 'floating') return [];
  const excused = new Set(owners.flatMap((o) => featuresOf(o.text).map((f) => f.key)));
  const needed = featuresOf(merged).filter((f) => !excused.has(f.key) && !reads(frontend, f.since));
  if (needed.length === 0) return [];
  const first = needed[0]!;
  const where = governed.find((g) => featuresOf(g.text).some((f) => f.key === first.key));
  const place = where ? `${where.path}:${featuresOf(where.text).find((f) => f.key === first.key)!.line}` : `the line the merge writes (${runtimePath}:${first.line})`;
  const keys = [...new Set(needed.map((f) => f.key))];
  return [
    diag('SYNTAX_DIRECTIVE_REACH', 'error', `\`# syntax=${value}\` of ${owner.path} would now read the stages of ${others} too, and that pinned frontend predates ${keys.join(', ')} (first at ${place}): the merged build would fail or read it otherwise`, {
      ...at,
      hint: `Pin a frontend that has that syntax (\`# syntax=docker/dockerfile:1\`), or give ${others} the same directive, then run the tool again.`,
    }),
  ];
}
