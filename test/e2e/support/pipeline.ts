/**
 * Running a builder-pattern pipeline for real, shared by the fixture e2e test and the fuzzer:
 * a script run the way its shebang asks with `docker` resolving to the engine, the images and
 * containers the engine holds (so a run can be cleaned up after), and the files a run leaves.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Engine } from '../../../src/verify/engine.js';
import { envForEngine } from './shim.js';

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command; never throws. */
export function execStatus(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 300_000): RunResult {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: timeoutMs, input: '' });
  return { status: r.status, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}` };
}

/** Runs a command; throws with its output when it fails. */
export function exec(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): void {
  const r = execStatus(cmd, args, cwd, env);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

/** The shell a script's shebang asks for: bash when it names bash, else sh. */
export function shellOf(file: string): string {
  const first = fs.readFileSync(file, 'utf8').split('\n', 1)[0] ?? '';
  return /\bbash\b/.test(first) ? 'bash' : 'sh';
}

/** Runs a script the way its shebang asks (bash or sh), from its own folder; never throws. */
export function runScriptStatus(engine: Engine, dir: string, script: string, logFile?: string): RunResult {
  const env = envForEngine(engine, process.env, logFile ? { logFile } : {});
  return execStatus(shellOf(path.join(dir, script)), [path.basename(script)], path.join(dir, path.dirname(script)), env);
}

/** Runs a script the way its shebang asks (bash or sh), from its own folder; throws when it fails. */
export function runScript(engine: Engine, dir: string, script: string, logFile?: string): void {
  const r = runScriptStatus(engine, dir, script, logFile);
  if (r.status !== 0) throw new Error(`${script} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

/** Every tagged image the engine holds, as REPOSITORY:TAG. */
export async function listImages(engine: Engine): Promise<string[]> {
  const out = (await engine.exec(['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout.toString();
  return out.split('\n').filter((l) => l && !l.includes('<none>'));
}

/** Every container the engine holds (running or not), by name. */
export async function listContainers(engine: Engine): Promise<string[]> {
  const out = (await engine.exec(['ps', '-a', '--format', '{{.Names}}'])).stdout.toString();
  return out.split('\n').filter((l) => l !== '');
}

/** A host file's mode and content, for comparing what two runs left. */
export function hostFile(dir: string, rel: string): { mode: number; content: string } {
  const p = path.join(dir, rel);
  return { mode: fs.statSync(p).mode & 0o7777, content: fs.readFileSync(p).toString('base64') };
}

/** Every entry under `dir` (outside .git) as relative path → type, mode and content (files) or target (links). */
export function treeState(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      const p = path.join(dir, r);
      const mode = (fs.lstatSync(p).mode & 0o7777).toString(8);
      if (e.isDirectory()) {
        if (e.name === '.git') continue;
        out.set(r, `dir ${mode}`);
        visit(r);
      } else if (e.isSymbolicLink()) out.set(r, `symlink ${fs.readlinkSync(p)}`);
      else out.set(r, `file ${mode} ${fs.readFileSync(p).toString('base64')}`);
    }
  };
  visit('');
  return out;
}

/** Paths whose state differs between two trees (added, removed or changed), sorted. */
export function treeDifferences(a: Map<string, string>, b: Map<string, string>): string[] {
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys].filter((k) => a.get(k) !== b.get(k)).sort();
}
