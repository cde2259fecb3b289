/** JavaScript build scripts: docker through small wrappers, and names from package.json (src/analyze/hosts/js-wrappers.ts). */
import { describe, expect, it } from 'vitest';
import { parseJavaScript } from '../../src/analyze/hosts/javascript.js';

const PKG = { name: 'lumen', version: '1.2.0' };
const read = (text: string) => parseJavaScript('scripts/build.js', text, '', (rel) => (rel === 'package.json' ? PKG : null)).script;
/** Each command read, as its words' static values (null: unknown). */
const commands = (text: string) => read(text)?.commands.map((c) => c.words.map((w) => w.value)) ?? [];

describe('wrappers that pass their arguments straight through', () => {
  for (const [what, def] of [
    ['an arrow function', "const sh = (cmd) => execSync(cmd, { stdio: 'inherit' });"],
    ['an arrow function with a body', 'const sh = (cmd) => { execSync(cmd); };'],
    ['a function declaration returning the call', "function sh(cmd) { return cp.execSync(cmd, { stdio: 'inherit', cwd: 'app' }); }"],
  ] as const) {
    it(`reads a call of ${what} around execSync as that shell text`, () => {
      expect(commands(`${def}\nsh('docker build -t app .');\n`)).toEqual([['docker', 'build', '-t', 'app', '.']]);
    });
  }

  it('reads an argv wrapper around spawnSync, and the options it passes (cwd)', () => {
    const s = read("const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', cwd: 'web' });\nrun('docker', ['build', '-t', 'web', '.']);\n")!;
    expect(s.commands.map((c) => c.words.map((w) => w.value))).toEqual([['docker', 'build', '-t', 'web', '.']]);
    expect(s.commands[0]!.cwd).toBe('web');
  });

  for (const [what, src] of [
    ['a body that does more than the call', "const sh = (cmd) => { console.log(cmd); execSync(cmd); };\nsh('docker build -t app .');\n"],
    ['a body that changes the command', "const sh = (cmd) => execSync(`${cmd} --quiet`);\nsh('docker build -t app .');\n"],
    ['parameters passed in another order', "const run = (args, cmd) => spawnSync(cmd, args);\nrun(['build', '.'], 'docker');\n"],
    ['an argv wrapper with shell: true', "const run = (cmd, args) => spawnSync(cmd, args, { shell: true });\nrun('docker', ['build', '.']);\n"],
    ['options spread from elsewhere', "const sh = (cmd) => execSync(cmd, { ...opts });\nsh('docker build -t app .');\n"],
    ['a name bound twice', "let sh = (cmd) => execSync(cmd);\nsh = (cmd) => console.log(cmd);\nsh('docker build -t app .');\n"],
    ['a call with more arguments than the wrapper takes', "const sh = (cmd) => execSync(cmd);\nsh('docker build -t app .', { cwd: 'x' });\n"],
  ] as const) {
    it(`does not read ${what}`, () => {
      expect(commands(src)).toEqual([]);
    });
  }
});

describe('names from package.json', () => {
  it('reads pkg.name and pkg.version through require, import and destructuring, and consts built from them', () => {
    expect(commands("const pkg = require('../package.json');\nexecSync(`docker build -t example/${pkg.name}:${pkg.version} .`);\n")).toEqual([['docker', 'build', '-t', 'example/lumen:1.2.0', '.']]);
    expect(commands("import pkg from '../package.json' with { type: 'json' };\nconst image = `example/${pkg.name}`;\nspawnSync('docker', ['build', '-t', `${image}:${pkg.version}`, '.']);\n")).toEqual([['docker', 'build', '-t', 'example/lumen:1.2.0', '.']]);
    expect(commands("const { name, version: v } = require('../package.json');\nexecSync(`docker build -t ${name}:${v} .`);\n")).toEqual([['docker', 'build', '-t', 'lumen:1.2.0', '.']]);
  });

  it('leaves other fields, other files and computed access unknown', () => {
    expect(commands("const pkg = require('../package.json');\nexecSync(`docker build -t ${pkg.description} .`);\n")[0]![3]).toBeNull();
    expect(commands("const pkg = require('./other.json');\nexecSync(`docker build -t ${pkg.name} .`);\n")[0]![3]).toBeNull();
    expect(commands("const pkg = require('../package.json');\nexecSync(`docker build -t ${pkg['name']} .`);\n")[0]![3]).toBeNull();
  });
});
