/** The folder a JavaScript build script's process call runs in (src/analyze/hosts/javascript.ts). */
import { describe, expect, it } from 'vitest';
import { parseJavaScript } from '../../src/analyze/hosts/javascript.js';

/** Each docker call's folder, in the order the calls run ('' the package's folder, null unknown). */
const folders = (text: string) => parseJavaScript('build.js', text, '').script!.parts.filter((p) => p.snippet.shell.startsWith('docker')).map((p) => p.snippet.cwd);

describe('the folder of a call', () => {
  it('is the package folder without options, and the literal cwd of an options object literal', () => {
    expect(folders("const { execSync } = require('child_process');\nexecSync('docker build .');\nexecSync('docker build .', { stdio: 'inherit' });\nexecSync('docker build .', { cwd: 'deploy' });\n")).toEqual(['', '', 'deploy']);
  });

  it('is unknown when the options are passed by name, spread or with a computed key: they may hold a cwd', () => {
    const text = [
      "const { execSync } = require('child_process');",
      "const opts = { cwd: 'deploy', stdio: 'inherit' };",
      "const key = 'cwd';",
      "execSync('docker build -t app .', opts);",
      "execSync('docker build -t app .', { ...opts });",
      "execSync('docker build -t app .', { stdio: 'inherit', [key]: 'deploy' });",
      '',
    ].join('\n');
    expect(folders(text)).toEqual([null, null, null]);
  });
});

describe('zx settings and cd()', () => {
  const zx = (line: string) => ["import { $, cd } from 'zx';", 'await $`docker build -t app:build -f Dockerfile.build .`;', line, 'await $`docker cp x:/src/app ./app`;', 'await $`docker build -t app .`;', ''].join('\n');
  it('$.cwd, $.prefix and cd() leave the folder of every command after them unknown', () => {
    expect(folders(zx("$.cwd = 'deploy';"))).toEqual(['', null, null]);
    expect(folders(zx("$.prefix = 'set -e; cd deploy;';"))).toEqual(['', null, null]);
    expect(folders(zx("$['cwd'] = 'deploy';"))).toEqual(['', null, null]);
    expect(folders(zx("cd('deploy');"))).toEqual(['', null, null]);
  });

  it('settings of what zx prints change no folder', () => {
    expect(folders(zx('$.verbose = false;'))).toEqual(['', '', '']);
  });
});

describe('process.chdir', () => {
  const script = (...lines: string[]) => ["const path = require('path');", "const { execSync } = require('child_process');", "execSync('docker build -t app:build .');", ...lines, "execSync('docker build -t app .');", "execSync('docker build -t app .', { cwd: 'web' });", ''].join('\n');
  const from = (file: string, text: string, start?: { cwd: string | null }) => parseJavaScript(file, text, '', () => null, start).script!.parts.filter((p) => p.snippet.shell.startsWith('docker')).map((p) => p.snippet.cwd);

  it('to __dirname, or a folder relative to it, goes to the script\'s folder wherever it was started', () => {
    expect(from('scripts/build.js', script('process.chdir(__dirname);'))).toEqual(['', 'scripts', 'scripts/web']);
    expect(from('scripts/build.js', script("process.chdir(path.join(__dirname, '..'));"), { cwd: null })).toEqual([null, '', 'web']);
    expect(from('tools/ci/build.js', script("process.chdir(path.resolve(__dirname, '../..', 'deploy'));"))).toEqual(['', 'deploy', 'deploy/web']);
  });

  it('reads the module folder an ES module declares, and a relative path from a folder known', () => {
    const esm = (line: string) => `import { fileURLToPath } from 'node:url';\n${line}\n${script('process.chdir(__dirname);', "process.chdir('site');")}`;
    expect(from('scripts/build.mjs', esm('const __dirname = path.dirname(fileURLToPath(import.meta.url));'))).toEqual(['', 'scripts/site', 'scripts/site/web']);
    expect(from('scripts/build.mjs', esm('const __dirname = import.meta.dirname;'))).toEqual(['', 'scripts/site', 'scripts/site/web']);
  });

  it('leaves the folder unknown for a __dirname of its own, an absolute or unknown path, or a chdir under a condition', () => {
    expect(from('scripts/build.js', `const __dirname = process.env.ROOT;\n${script('process.chdir(__dirname);')}`)).toEqual(['', null, null]);
    expect(from('scripts/build.js', script("process.chdir('/srv/app');"))).toEqual(['', null, null]);
    expect(from('scripts/build.js', script('process.chdir(process.argv[2]);'))).toEqual(['', null, null]);
    expect(from('scripts/build.js', script('if (process.env.CI) process.chdir(__dirname);'))).toEqual(['', null, null]);
    expect(from('scripts/build.js', script("process.chdir('site');"), { cwd: null })).toEqual([null, null, null]);
  });
});
