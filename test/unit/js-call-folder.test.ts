/** The folder a JavaScript build script's process call runs in (src/analyze/hosts/javascript.ts). */
import { describe, expect, it } from 'vitest';
import { parseJavaScript } from '../../src/analyze/hosts/javascript.js';

/** Each call's folder, in the order the calls run ('' the package's folder, null unknown). */
const folders = (text: string) => parseJavaScript('build.js', text, '').script!.parts.map((p) => p.snippet.cwd);

describe('the folder of a call', () => {
  it('is the package folder without options, and the literal cwd of an options object literal', () => {
    expect(folders("const { execSync } = require('child_process');\nexecSync('docker build .');\nexecSync('docker build .', { stdio: 'inherit' });\nexecSync('docker build .', { cwd: 'deploy' });\n")).toEqual(['', '', 'deploy']);
  });

  it('is unknown when the options are passed by name, spread or with a computed key: they may hold a cwd', () => {
    const text = [
      "const { execSync, spawnSync } = require('child_process');",
      "const opts = { cwd: 'deploy', stdio: 'inherit' };",
      "const key = 'cwd';",
      "execSync('docker build -t app .', opts);",
      "execSync('docker build -t app .', { ...opts });",
      "execSync('docker build -t app .', { stdio: 'inherit', [key]: 'deploy' });",
      "spawnSync('docker', ['build', '-t', 'app', '.'], opts);",
      '',
    ].join('\n');
    expect(folders(text)).toEqual([null, null, null, null]);
  });
});
