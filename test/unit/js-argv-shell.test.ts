/** An argument array run through a shell is shell text, not words (src/analyze/hosts/javascript.ts). */
import { describe, expect, it } from 'vitest';
import { parseJavaScript } from '../../src/analyze/hosts/javascript.js';

const commands = (text: string) => parseJavaScript('build.js', text, '').script!.commands.map((c) => c.words.map((w) => w.value).join(' '));

describe('spawnSync with an argument array', () => {
  const call = (opts: string) => `const { spawnSync } = require('child_process');\nspawnSync('docker', ['build', '--build-arg', 'VERSION=$(uname -s)', '-t', 'app:build', '.']${opts});\nspawnSync('docker', ['rm', 'x']);\n`;
  it('reads the elements as the words docker is given, without a shell', () => {
    expect(commands(call(''))[0]).toBe('docker build --build-arg VERSION=$(uname -s) -t app:build .');
    expect(commands(call(", { stdio: 'inherit', shell: false }"))[0]).toBe('docker build --build-arg VERSION=$(uname -s) -t app:build .');
  });

  it('is a program the tool does not model when a shell may run it: Node joins the elements into shell text', () => {
    for (const opts of [", { shell: true }", ", { shell: '/bin/bash' }", ', opts', ', { ...opts }']) {
      const read = commands(call(opts));
      expect(read[0]).toMatch(/^js:spawnSync docker/);
      expect(read).toContain('docker rm x');
    }
  });
});

describe("execa's $", () => {
  const script = (source: string) => `${source}\nawait $\`docker build --build-arg "V=1" -t app:build .\`;\n`;
  it("is zx's shell text unless it comes from execa, which runs no shell", () => {
    expect(commands(script("import { $ } from 'zx';"))).toEqual(['docker build --build-arg V=1 -t app:build .']);
    expect(commands(script("import { $ } from 'execa';"))).toEqual(['js:execa.$']);
    // The module load is a program of its own (js:require execa).
    expect(commands(script("const { $ } = require('execa');"))).toEqual(['js:require execa', 'js:execa.$']);
  });
});
