/**
 * Builder shapes the tool finds but does not migrate, each refused with its own code so that
 * `--check` lists them instead of passing over them:
 *
 * - `docker exec NAME cmd…` into the builder container before files are copied out of it
 *   (`docker run -d -t --name b IMG`, `docker exec b make`, `docker cp b:/out .`): the build
 *   happened in a running container, one command at a time (EXEC_BUILD).
 * - rancher/dapper (`dapper` or `./.dapper`, reading `Dockerfile.dapper`): the build runs in a
 *   container dapper makes from that file, with the sources copied or mounted and its
 *   `DAPPER_OUTPUT` copied back (DAPPER_BUILD).
 * - a Dockerfile swapped in before a build (`cp Dockerfile.build Dockerfile; docker build .`):
 *   the file built is not the one in the repository under that name (DOCKERFILE_SWAPPED). The
 *   build is read with the file copied in, so the setup is found with its real Dockerfiles.
 */
import path from 'node:path/posix';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { dockerInvocation, type DockerInvocation } from '../model/docker-command.js';
import type { RepoFs } from '../model/fs.js';
import { shownCommand, type ScriptCommand, type ScriptFile, type Word } from '../model/script.js';
import type { Setup } from '../model/setup.js';
import { resolveRel } from '../model/paths.js';
import type { Container, Extraction } from './extractions.js';

const EXEC_VALUED = new Set(['-e', '--env', '--env-file', '-u', '--user', '-w', '--workdir', '--detach-keys']);

/** The container word of `docker exec [flags] NAME cmd…` (or `docker container exec`), or null. */
export function execContainer(cmd: ScriptCommand): Word | null {
  const inv = dockerInvocation(cmd);
  if (!inv || inv.verb !== 'other') return null;
  const words = cmd.words;
  let i = inv.verbIndex;
  if (words[i]?.value === 'container') i++;
  if (words[i]?.value !== 'exec') return null;
  for (i++; i < words.length; i++) {
    const v = words[i]!.value;
    if (v === null) return null;
    if (!v.startsWith('-')) return words[i]!;
    if (EXEC_VALUED.has(v)) i++;
  }
  return null;
}

/** EXEC_BUILD on each extraction from a container that `docker exec` ran a command in first. */
export function execBuilds(sequence: readonly ScriptCommand[], extractions: readonly Extraction[], keyOf: (w: Word) => string): void {
  const pos = new Map(sequence.map((c, i) => [c, i]));
  for (const ex of extractions) {
    const ctr: Container | null = ex.container;
    if (!ctr) continue;
    const at = pos.get(ex.at.cmd) ?? -1;
    const execs = sequence.filter((c, i) => i < at && (pos.get(ctr.made.cmd) ?? -1) < i && execContainer(c) !== null && keyOf(execContainer(c)!) === ctr.key);
    for (const c of execs) {
      if (ex.problems.some((d) => d.code === 'EXEC_BUILD' && d.line === c.line && d.file === c.file)) continue;
      ex.problems.push(
        diag('EXEC_BUILD', 'error', `\`${shownCommand(c)}\` runs a command in the builder container ${ctr.key} before files are copied out of it: the build happened in a running container, which the tool does not migrate`, {
          file: c.file,
          line: c.line,
          hint: 'Do that step in the builder Dockerfile (a RUN), or migrate this setup by hand.',
        }),
      );
    }
  }
}

/** `dapper` or `./.dapper` (any path to either) as a command's program. */
function isDapper(cmd: ScriptCommand): boolean {
  const v = cmd.words[0]?.value;
  return v != null && /^(dapper|\.dapper)$/.test(path.basename(v));
}

/** The Dockerfile dapper reads: `-f FILE`/`--file FILE`, else `Dockerfile.dapper` in its folder. */
function dapperFile(cmd: ScriptCommand): string | null {
  if (cmd.cwd === null) return null;
  const words = cmd.words;
  for (let i = 1; i < words.length; i++) {
    const v = words[i]!.value;
    if (v === '-f' || v === '--file') return words[i + 1]?.value != null ? resolveRel(cmd.cwd, words[i + 1]!.value!) : null;
    if (v?.startsWith('--file=')) return resolveRel(cmd.cwd, v.slice('--file='.length));
  }
  return resolveRel(cmd.cwd, 'Dockerfile.dapper');
}

/** A refused setup for each `dapper` run whose Dockerfile is in the repository. */
export function dapperSetups(script: ScriptFile, sequence: readonly ScriptCommand[], fs: RepoFs): Setup[] {
  const out: Setup[] = [];
  for (const cmd of sequence.filter(isDapper)) {
    const file = dapperFile(cmd);
    if (file === null || fs.kind(file) !== 'file') continue;
    const id = `${script.file}:${cmd.line}${cmd.iteration ? ` [${cmd.iteration.label}]` : ''}`;
    const inv: DockerInvocation = { cmd, verb: 'build', verbIndex: 0, flags: [], operands: [], unknownFlags: [] };
    const d: Diagnostic = diag('DAPPER_BUILD', 'error', `\`${cmd.words[0]!.raw}\` builds with dapper from ${file}: the build runs in a container dapper makes from that file, with the sources copied or mounted in and its DAPPER_OUTPUT copied back, which the tool does not migrate`, {
      file: cmd.file,
      line: cmd.line,
      setup: id,
      hint: 'Migrate by hand: make the dapper Dockerfile a build stage that runs the build, and COPY --from it in the runtime Dockerfile.',
    });
    out.push({ id, script: script.file, builder: { inv, tags: [], dockerfile: file, context: path.dirname(file) === '.' ? '' : path.dirname(file), target: null }, runtime: null, artifacts: [], extraction: [], cleanup: [], cleanupWords: [], builderTagUsers: [], run: null, diagnostics: [d] });
  }
  return out;
}

/**
 * The file last copied, moved or linked onto `dockerfile` before `at` (`cp x.dockerfile
 * Dockerfile`), with the command that did it; null when nothing was.
 */
export function swappedIn(dockerfile: string, at: ScriptCommand, sequence: readonly ScriptCommand[]): { source: string | null; by: ScriptCommand } | null {
  let found: { source: string | null; by: ScriptCommand } | null = null;
  for (const c of sequence) {
    if (c === at) break;
    const prog = c.words[0]?.value;
    if ((prog !== 'cp' && prog !== 'mv' && prog !== 'ln') || c.cwd === null) continue;
    const ops = c.words.slice(1).filter((w) => !(w.value ?? '').startsWith('-'));
    if (ops.length !== 2 || c.words.slice(1).some((w) => w.value === null)) continue;
    if (resolveRel(c.cwd, ops[1]!.value!) !== dockerfile) continue;
    // `ln -s TARGET LINK`: the target is read relative to the link's folder.
    const src = prog === 'ln' && c.words.some((w) => /^-[a-zA-Z]*s/.test(w.value ?? '')) ? resolveRel(path.dirname(dockerfile), ops[0]!.value!) : resolveRel(c.cwd, ops[0]!.value!);
    found = { source: src, by: c };
  }
  return found;
}

export function swapDiagnostic(build: DockerInvocation, dockerfile: string, by: ScriptCommand): Diagnostic {
  return diag('DOCKERFILE_SWAPPED', 'error', `\`${shownCommand(build.cmd)}\` builds ${dockerfile}, which \`${shownCommand(by)}\` (line ${by.line}) replaced just before: the script swaps Dockerfiles, so the file in the repository under that name is not the one built`, {
    file: build.cmd.file,
    line: build.cmd.line,
    hint: 'Build each Dockerfile by its own name (docker build -f Dockerfile.build .), then run the tool again.',
  });
}

export const _internal = { isDapper, dapperFile };
