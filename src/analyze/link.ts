/**
 * The migration brain's reading half: from one script's docker invocations to setups.
 * It follows image tags from a builder build to the containers made from it, container
 * names to `docker cp` extractions, host paths to the runtime Dockerfile's COPY/ADD, and
 * refuses (with a coded diagnostic) wherever any of those links is only known at run time.
 */
import path from 'node:path/posix';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { flagValues, parseDockerCommand, type DockerInvocation } from '../model/docker-command.js';
import type { RepoFs } from '../model/fs.js';
import type { ScriptCommand, ScriptFile, Word } from '../model/script.js';
import type { Artifact, BuildStep, Setup } from '../model/setup.js';
import { readDockerfile, type DockerfileFacts } from './dockerfile.js';

export interface LinkResult {
  setups: Setup[];
  diagnostics: Diagnostic[];
}

/** Canonical spelling of an image reference, so `alpine`, `alpine:latest` and `docker.io/library/alpine` match. */
export function canonicalImage(ref: string): string {
  let r = ref;
  if (r.startsWith('docker.io/library/')) r = r.slice('docker.io/library/'.length);
  else if (r.startsWith('docker.io/')) r = r.slice('docker.io/'.length);
  const lastSlash = r.lastIndexOf('/');
  if (!r.includes('@') && !r.slice(lastSlash + 1).includes(':')) r += ':latest';
  return r;
}

const wordKey = (w: Word) => (w.value !== null ? w.value : w.symbol);

/** Joins a repository-relative directory and a path as written in a script. */
export function resolveRel(cwd: string, p: string): string {
  const joined = path.normalize(path.join(cwd === '' ? '.' : cwd, p));
  return joined === '.' ? '' : joined.replace(/\/$/, '');
}

function buildStep(inv: DockerInvocation, diagnostics: Diagnostic[]): BuildStep {
  const cmd = inv.cmd;
  const where = { file: cmd.file, line: cmd.line };
  const tags = flagValues(inv, '--tag').map((w) => canonicalImage(wordKey(w)));
  const fileWord = flagValues(inv, '--file')[0];
  const ctxWord = inv.operands[0]?.word;
  const targetWord = flagValues(inv, '--target')[0];
  let context: string | null = null;
  let dockerfile: string | null = null;
  if (ctxWord && ctxWord.value !== null && cmd.cwd !== null && !/^[a-z]+:\/\/|^git@|^-$/.test(ctxWord.value)) {
    context = resolveRel(cmd.cwd, ctxWord.value);
  }
  if (fileWord) {
    // docker resolves -f against the current directory, not the context.
    if (fileWord.value !== null && cmd.cwd !== null) dockerfile = resolveRel(cmd.cwd, fileWord.value);
  } else if (context !== null) {
    dockerfile = resolveRel(context, 'Dockerfile');
  }
  if (context === null || dockerfile === null) {
    diagnostics.push(
      diag('DYNAMIC_BUILD_INPUT', 'info', `the build's ${context === null ? 'context' : 'Dockerfile'} is only known at run time; this build is not analysed`, {
        ...where,
        hint: 'Write the context and -f path literally (or in a variable assigned a literal) so the build can be followed.',
      }),
    );
  }
  return { inv, tags, dockerfile, context, target: targetWord?.value ?? null };
}

interface Container {
  name: string;
  image: string;
  inv: DockerInvocation;
}

export function linkScript(script: ScriptFile, fs: RepoFs, dockerfiles: Map<string, DockerfileFacts | null>): LinkResult {
  const diagnostics: Diagnostic[] = [];
  const invs = script.commands.map(parseDockerCommand).filter((x): x is DockerInvocation => x !== null && x.verb !== 'other');
  if (invs.length === 0) return { setups: [], diagnostics };

  const builds = new Map<DockerInvocation, BuildStep>();
  const containers = new Map<string, Container>();
  const extractionsByBuild = new Map<BuildStep, { artifacts: Artifact[]; commands: Set<ScriptCommand> }>();
  const unresolved: Diagnostic[] = [];

  const lastBuildTagged = (image: string, before: DockerInvocation): BuildStep | null => {
    let found: BuildStep | null = null;
    for (const [inv, b] of builds) {
      if (inv.cmd.index < before.cmd.index && b.tags.includes(image)) found = b;
    }
    return found;
  };

  for (const inv of invs) {
    const cmd = inv.cmd;
    const where = { file: cmd.file, line: cmd.line };
    if (inv.verb === 'build') {
      builds.set(inv, buildStep(inv, diagnostics));
      continue;
    }
    if (inv.verb === 'create' || (inv.verb === 'run' && !inv.flags.some((f) => f.name === '--rm'))) {
      const nameWord = flagValues(inv, '--name')[0];
      const image = inv.operands[0]?.word;
      if (nameWord && image) containers.set(wordKey(nameWord), { name: wordKey(nameWord), image: canonicalImage(wordKey(image)), inv });
      continue;
    }
    if (inv.verb === 'cp') {
      const [srcOp, dstOp] = inv.operands;
      if (!srcOp || !dstOp) continue;
      const src = srcOp.word;
      const colon = wordKey(src).indexOf(':');
      // `docker cp host ctr:/path` copies into a container: not an extraction.
      if (colon <= 0 || wordKey(dstOp.word).includes(':')) continue;
      const ctrName = wordKey(src).slice(0, colon);
      const ctr = containers.get(ctrName);
      if (!ctr) {
        if (src.staticPrefix.length <= colon || src.staticPrefix.indexOf(':') < 0) {
          unresolved.push(
            diag('DYNAMIC_CONTAINER', 'error', `cannot tell which container \`${src.raw}\` copies from: it is only known at run time`, {
              ...where,
              hint: 'Give the container a literal name with `docker create --name NAME IMAGE` in the same script.',
            }),
          );
        }
        continue;
      }
      const builder = lastBuildTagged(ctr.image, inv);
      if (!builder) continue;
      let entry = extractionsByBuild.get(builder);
      if (!entry) extractionsByBuild.set(builder, (entry = { artifacts: [], commands: new Set([ctr.inv.cmd]) }));
      entry.commands.add(ctr.inv.cmd);
      entry.commands.add(cmd);
      const containerPath = src.value === null ? null : src.value.slice(colon + 1);
      const dst = dstOp.word.value;
      if (containerPath === null || dst === null || cmd.cwd === null) {
        unresolved.push(
          diag('DYNAMIC_ARTIFACT_PATH', 'error', `the path copied by \`${cmd.words.map((w) => w.raw).join(' ')}\` is only known at run time`, {
            ...where,
            hint: 'Use literal paths (or variables assigned literals) in `docker cp`; the tool will not guess a path.',
          }),
        );
        continue;
      }
      entry.artifacts.push({ containerPath, hostPath: resolveRel(cmd.cwd, dst), via: inv, consumers: [] });
      continue;
    }
    if (inv.verb === 'rm') {
      for (const op of inv.operands) {
        const ctr = containers.get(wordKey(op.word));
        if (!ctr) continue;
        for (const entry of extractionsByBuild.values()) {
          if (entry.commands.has(ctr.inv.cmd) && inv.operands.every((o) => containers.has(wordKey(o.word)))) entry.commands.add(cmd);
        }
      }
    }
  }

  const setups: Setup[] = [];
  for (const [builder, entry] of extractionsByBuild) {
    const setup = makeSetup(script, builder, entry, builds, invs, fs, dockerfiles);
    if (unresolved.length > 0) setup.diagnostics.push(...unresolved.map((d) => ({ ...d, setup: setup.id })));
    setups.push(setup);
  }
  if (setups.length === 0 && unresolved.length > 0) diagnostics.push(...unresolved);
  return { setups, diagnostics };
}

function makeSetup(
  script: ScriptFile,
  builder: BuildStep,
  entry: { artifacts: Artifact[]; commands: Set<ScriptCommand> },
  builds: Map<DockerInvocation, BuildStep>,
  invs: DockerInvocation[],
  fs: RepoFs,
  dockerfiles: Map<string, DockerfileFacts | null>,
): Setup {
  const id = `${script.file}:${builder.inv.cmd.line}`;
  const diagnostics: Diagnostic[] = [];
  const at = (cmd: ScriptCommand, hint?: string) => ({ file: cmd.file, line: cmd.line, setup: id, ...(hint ? { hint } : {}) });
  const setup: Setup = {
    id,
    script: script.file,
    builder,
    runtime: null,
    artifacts: entry.artifacts,
    extraction: [...entry.commands].sort((a, b) => a.index - b.index),
    cleanup: [],
    cleanupWords: [],
    diagnostics,
  };
  const lastExtraction = Math.max(...setup.extraction.map((c) => c.index));
  for (const c of setup.extraction) {
    const inv = parseDockerCommand(c);
    if (inv?.verb === 'run') {
      diagnostics.push(diag('BUILD_AT_RUN_TIME', 'error', `\`${c.words.map((w) => w.raw).join(' ')}\` runs a command in the builder before its files are copied out`, at(c, 'Builds that happen when the container runs are not migrated yet; migrate this setup by hand.')));
    }
  }

  // The runtime build: the first later build whose Dockerfile copies one of the artifacts.
  for (const [inv, b] of builds) {
    if (inv.cmd.index <= lastExtraction || b.dockerfile === null || b.context === null) continue;
    const facts = loadDockerfile(b.dockerfile, fs, dockerfiles);
    if (!facts) continue;
    if (findConsumers(setup.artifacts, b, facts, diagnostics, id, true)) {
      setup.runtime = b;
      break;
    }
  }
  if (!setup.runtime) {
    diagnostics.push(
      diag('ARTIFACT_UNUSED', 'error', `the artifacts extracted from ${builder.tags[0] ?? 'the builder image'} (${setup.artifacts.map((a) => a.hostPath).join(', ') || 'none'}) are not copied into any image built later in this script`, at(builder.inv.cmd, 'Only setups whose artifacts feed a runtime image are migrated; artifacts kept on the host need an export stage.')),
    );
    return setup;
  }
  for (const inv of [builder.inv, setup.runtime.inv, ...invs.filter((i) => entry.commands.has(i.cmd))]) {
    for (const w of inv.unknownFlags) {
      diagnostics.push(diag('UNKNOWN_DOCKER_FLAG', 'error', `\`${w.raw}\` is not a docker ${inv.verb} flag the tool knows, so the words after it cannot be read safely`, at(inv.cmd, 'Write the flag as --name=value, or report the flag so it can be supported.')));
    }
  }
  const runtimeFacts = loadDockerfile(setup.runtime.dockerfile!, fs, dockerfiles)!;
  findConsumers(setup.artifacts, setup.runtime, runtimeFacts, diagnostics, id, false);

  if (builder.dockerfile !== null && !loadDockerfile(builder.dockerfile, fs, dockerfiles)) {
    diagnostics.push(diag('DOCKERFILE_MISSING', 'error', `the builder Dockerfile ${builder.dockerfile} does not exist`, at(builder.inv.cmd, 'Check the -f path; paths in a script are read relative to the script\'s folder.')));
  }
  if (builder.dockerfile === null || builder.context === null) {
    diagnostics.push(diag('DYNAMIC_BUILD_INPUT', 'error', 'the builder build\'s Dockerfile or context is only known at run time', at(builder.inv.cmd)));
  }
  if (builder.tags.length === 0) {
    diagnostics.push(diag('DYNAMIC_IMAGE', 'error', 'the builder build has no tag, so its containers cannot be followed', at(builder.inv.cmd)));
  }

  // Cleanup after the runtime build: `rm` of artifacts, `docker rmi` of the builder image.
  const runtimeIndex = setup.runtime.inv.cmd.index;
  const artifactPaths = new Set(setup.artifacts.map((a) => a.hostPath));
  const builderTags = new Set(builder.tags);
  for (const cmd of script.commands) {
    if (cmd.index <= lastExtraction || entry.commands.has(cmd) || cmd === setup.runtime.inv.cmd) continue;
    const prog = cmd.words[0]?.value;
    if (prog === 'rm' && cmd.cwd !== null && cmd.index > runtimeIndex) {
      const operands = cmd.words.slice(1).map((w, k) => ({ w, k: k + 1 })).filter(({ w }) => !(w.value ?? '-').startsWith('-'));
      const hits = operands.filter(({ w }) => w.value !== null && artifactPaths.has(resolveRel(cmd.cwd!, w.value)));
      if (hits.length > 0 && hits.length === operands.length) setup.cleanup.push(cmd);
      else for (const h of hits) setup.cleanupWords.push({ cmd, word: h.k });
      continue;
    }
    const inv = invs.find((i) => i.cmd === cmd);
    if (inv && inv.verb === 'rmi' && inv.cmd.index > runtimeIndex && inv.operands.length > 0 && inv.operands.every((o) => builderTags.has(canonicalImage(wordKey(o.word))))) {
      setup.cleanup.push(cmd);
      continue;
    }
    if (inv && inv.verb !== 'build' && inv.verb !== 'rmi') {
      const mentions = [...inv.operands.map((o) => o.word), ...inv.flags.map((f) => f.value).filter((w): w is Word => w !== null)].some((w) => builderTags.has(canonicalImage(wordKey(w))));
      if (mentions) {
        diagnostics.push(diag('BUILDER_TAG_USED', 'error', `the builder image ${builder.tags[0]} is also used by \`${cmd.words.map((w) => w.raw).join(' ')}\``, at(cmd, 'Keeping a builder tag alive (`docker build --target`) is not supported yet; migrate this setup by hand.')));
      }
      continue;
    }
    if (!inv && cmd.index > lastExtraction && cmd.cwd !== null) {
      for (const w of cmd.words.slice(1)) {
        if (w.value === null) continue;
        const p = resolveRel(cmd.cwd, w.value);
        if ([...artifactPaths].some((a) => p === a || p.startsWith(`${a}/`))) {
          diagnostics.push(diag('ARTIFACT_USED_ON_HOST', 'error', `\`${cmd.words.map((x) => x.raw).join(' ')}\` uses the extracted ${w.value} on the host`, at(cmd, 'Artifacts needed on the host after the build need an export stage; migrate this setup by hand for now.')));
        }
      }
    }
  }

  checkArtifactDestinations(setup, fs);
  return setup;
}

function loadDockerfile(rel: string, fs: RepoFs, cache: Map<string, DockerfileFacts | null>): DockerfileFacts | null {
  if (!cache.has(rel)) {
    const text = fs.readText(rel);
    cache.set(rel, text === null ? null : readDockerfile(rel, text));
  }
  return cache.get(rel)!;
}

const GLOB = /[*?[]/;

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (const ch of glob) {
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re.replace(/\\?\[/g, '[')}$`);
}

/**
 * Maps each artifact to the COPY/ADD sources (in the runtime Dockerfile, without --from)
 * that read it from the build context. With `probe`, only answers whether any matches.
 */
function findConsumers(artifacts: Artifact[], runtime: BuildStep, facts: DockerfileFacts, diagnostics: Diagnostic[], setup: string, probe: boolean): boolean {
  let any = false;
  facts.copies.forEach((copy, ci) => {
    if (copy.from || copy.heredoc) return;
    copy.sources.forEach((src, si) => {
      const hostSource = resolveRel(runtime.context!, src.value.replace(/^\/+/, ''));
      for (const a of artifacts) {
        const exact = hostSource === a.hostPath;
        const inside = hostSource.startsWith(`${a.hostPath}/`);
        const broad = a.hostPath.startsWith(hostSource === '' ? '' : `${hostSource}/`) && !exact;
        const globHit = GLOB.test(src.value) && globToRegExp(hostSource).test(a.hostPath);
        if (exact || inside) {
          any = true;
          if (!probe) {
            const suffix = hostSource.slice(a.hostPath.length);
            a.consumers.push({ dockerfile: facts.path, copy: ci, source: si, line: copy.line, hostSource: src.value, stagePath: a.containerPath.replace(/\/+$/, '') + suffix });
          }
        } else if (broad || globHit) {
          any = true;
          if (!probe) {
            diagnostics.push(diag('ARTIFACT_IN_BROAD_COPY', 'error', `\`${copy.keyword} ${src.value}\` copies the extracted ${a.hostPath} together with other files from the build context`, {
              file: facts.path,
              line: copy.line,
              setup,
              hint: `Copy the artifact with its own ${copy.keyword} line, then run the tool again.`,
            }));
          }
        }
      }
    });
  });
  if (!probe) {
    for (const a of artifacts) {
      if (a.consumers.length === 0 && !diagnostics.some((d) => d.code === 'ARTIFACT_IN_BROAD_COPY')) {
        diagnostics.push(diag('ARTIFACT_UNUSED', 'error', `the extracted ${a.hostPath} is not copied into the runtime image built from ${facts.path}`, {
          file: a.via.cmd.file,
          line: a.via.cmd.line,
          setup,
          hint: 'Artifacts kept on the host need an export stage; migrate this setup by hand for now.',
        }));
      }
    }
  }
  return any;
}

/** `docker cp` into an existing directory nests the artifact; a merged COPY would not. */
function checkArtifactDestinations(setup: Setup, fs: RepoFs): void {
  for (const a of setup.artifacts) {
    const kind = fs.kind(a.hostPath);
    if (kind === 'dir' || kind === 'symlink') {
      setup.diagnostics.push(diag('ARTIFACT_DEST_EXISTS', 'error', `the artifact is extracted onto ${a.hostPath}, which already exists in the repository as a ${kind === 'dir' ? 'directory' : 'symbolic link'}, so \`docker cp\` nests it inside`, {
        file: a.via.cmd.file,
        line: a.via.cmd.line,
        setup: setup.id,
        hint: 'Extract to a path that does not exist in the repository, then run the tool again.',
      }));
    }
  }
}
