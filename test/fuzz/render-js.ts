/**
 * The JS runner of the fuzzer's repositories (./grammar.ts `runner: js`): a build script,
 * `build.mjs` (import) or `build.js` (require), run with `node` from the repository root, or
 * `scripts/build.mjs` run through a package.json script,
 * one call per command: `execSync(`…`, { stdio: 'inherit' })` (shell text in a template
 * literal), or with `jsCall: spawn` a plain docker command as `spawnSync('docker', [...])`.
 * Names held in variables are constants (`const builder = '…'`, or with `vars: default`
 * `process.env.BUILDER ?? '…'`), read as `${builder}`.
 */
import type { RepoSpec } from './grammar.js';
import { all, type Commands, type PipelineEntry, type RepoFile } from './render.js';

const constName = (name: string) => name.toLowerCase();
/** A variable's place in a command (render.ts jsRef). */
const REF = /\u0001([A-Z]+)\u0001/g;

/** Shell text as the body of a template literal, each variable read as `${name}`. */
function template(line: string): string {
  const escaped = line.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
  return `\`${escaped.replace(REF, (_, n: string) => `\${${constName(n)}}`)}\``;
}

/** A shell word with no quoting or expansion in it, as a JS expression. */
function argvWord(word: string): string {
  const whole = /^\u0001([A-Z]+)\u0001$/.exec(word);
  if (whole) return constName(whole[1]!);
  return word.includes('\u0001') ? template(word) : `'${word}'`;
}

/** A docker command the shell would only split into words: it can be an argv. */
const plainDocker = (line: string) => line.startsWith('docker ') && !/["'$|<>;&(){}*?\\`]/.test(line.replace(REF, ''));

function call(s: RepoSpec, line: string): string {
  if (s.jsCall === 'spawn' && plainDocker(line)) {
    const words = line.split(' ').filter((w) => w !== '');
    return `spawnSync('docker', [${words.slice(1).map(argvWord).join(', ')}], { stdio: 'inherit' });`;
  }
  return `execSync(${template(line)}, { stdio: 'inherit' });`;
}

export function jsScript(s: RepoSpec, c: Commands): { files: RepoFile[]; entry: PipelineEntry } {
  // run with node from the root, it lives there (the tool reads a script's paths from its folder, or its package's)
  const script = `${s.jsEntry === 'node' ? '' : 'scripts/'}build.${s.jsModule === 'mjs' ? 'mjs' : 'js'}`;
  const head = s.jsModule === 'mjs' ? "import { execSync, spawnSync } from 'node:child_process';" : "const { execSync, spawnSync } = require('node:child_process');";
  const consts = c.vars.map(([n, v]) => `const ${constName(n)} = ${s.vars === 'default' ? `process.env.${n} ?? '${v}'` : `'${v}'`};`);
  const body = [`// Builds the ${s.app} image through a builder image.`, head, '', ...(consts.length > 0 ? [...consts, ''] : []), ...all(c).map((line) => call(s, line))];
  const files: RepoFile[] = [{ path: script, content: `${body.join('\n')}\n`, mode: 0o644 }];
  if (s.jsEntry === 'node') return { files, entry: { kind: 'node', script } };
  const pkg = { name: s.app, version: '1.0.0', private: true, scripts: { image: `node ${script}` } };
  files.push({ path: 'package.json', content: `${JSON.stringify(pkg, null, 2)}\n`, mode: 0o644 });
  return { files, entry: { kind: 'npm', script: 'image' } };
}
