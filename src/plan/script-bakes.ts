/**
 * The bake files a `docker buildx bake` run by a script reads, read with the bake reader
 * (./tool-configs/bake.ts). By default bake reads the bake and compose files of the folder it
 * runs in (`docker-bake.hcl`, `docker-bake.override.hcl`, their `.json` forms, `compose.yaml`,
 * `docker-compose.yml`…); `-f FILE` names them instead. Compose files are read as compose
 * services wherever they are (./runtime-rebuilds.ts); the bake files it reads are read here, so
 * a refusal can name the target that builds the runtime Dockerfile, and a bake whose targets
 * build other Dockerfiles only is no concern. What the reader cannot follow (a `--set` that
 * overrides any attribute, a file only known at run time, in another folder than the one bake
 * runs in or the root, or not a bake file by its name, a flag it does not know) leaves the bake
 * unread: it may build any Dockerfile of its folder. With no file to read, bake fails, as it did.
 */
import path from 'node:path/posix';
import type { RepoFs } from '../model/fs.js';
import { resolveRel } from '../model/paths.js';
import type { ScriptCommand } from '../model/script.js';
import { BAKE_FILE } from './tool-configs/bake.js';
import { folderOf } from './tool-configs/targets.js';
import { toolBuilds, type ToolBuild } from './tool-builds.js';

/** The bake files bake reads by default in its folder (compose files are read as compose services). */
const DEFAULT_FILES = ['docker-bake.json', 'docker-bake.override.json', 'docker-bake.hcl', 'docker-bake.override.hcl'];

/** bake's flags that take a value (`--set` is read apart: it may change any target). */
const VALUED = new Set(['-f', '--file', '--progress', '--builder', '--metadata-file', '--provenance', '--sbom', '--call', '--allow', '--list']);
const BARE = new Set(['--load', '--push', '--print', '--no-cache', '--pull', '--check', '--debug', '-D']);

/** The targets of the bake files `cmd` reads, or why they cannot be read. */
export function bakeTargets(cmd: ScriptCommand, fs: RepoFs, files: readonly string[]): { builds: ToolBuild[] } | { unread: string } {
  const cwd = cmd.cwd;
  if (cwd === null) return { unread: 'it runs in a folder only known at run time' };
  const at = cmd.words.findIndex((w) => w.value === 'bake');
  const named: string[] = [];
  for (let k = at + 1; k < cmd.words.length; k++) {
    const v = cmd.words[k]!.value;
    if (v === null) return { unread: `its word ${cmd.words[k]!.raw} is only known at run time` };
    // A target or group; a remote definition (a Git or HTTP address) is not read.
    if (!v.startsWith('-')) {
      if (/:\/\/|^git@/.test(v)) return { unread: `it reads a remote bake definition, ${v}` };
      continue;
    }
    const eq = v.indexOf('=');
    const flag = eq > 0 ? v.slice(0, eq) : v;
    if (flag === '--set') return { unread: `its ${eq > 0 ? v : `--set ${cmd.words[k + 1]?.raw ?? ''}`} may override any target's attributes` };
    if (BARE.has(flag)) continue;
    if (!VALUED.has(flag)) return { unread: `the tool does not know its flag ${v}` };
    const value = eq > 0 ? v.slice(eq + 1) : cmd.words[++k]?.value;
    if (value === null || value === undefined) return { unread: `the value of its ${flag} is only known at run time` };
    if (flag === '-f' || flag === '--file') named.push(value);
  }
  const chosen = named.length > 0 ? named.map((f) => resolveRel(cwd, f)) : DEFAULT_FILES.map((f) => resolveRel(cwd, f)).filter((f) => fs.kind(f) === 'file');
  const builds: ToolBuild[] = [];
  for (const file of chosen) {
    // The reader resolves a target's paths from the file's folder and the root.
    if (!BAKE_FILE.test(path.basename(file)) || (folderOf(file) !== cwd && cwd !== '')) return { unread: `it reads ${file}, which the tool does not read as a bake file from ${cwd || 'the root'}` };
    const text = fs.readText(file);
    if (text === null) return { unread: `it reads ${file}, which the tool cannot read` };
    builds.push(...toolBuilds(file, text, files));
  }
  return { builds };
}
