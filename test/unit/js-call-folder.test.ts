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
