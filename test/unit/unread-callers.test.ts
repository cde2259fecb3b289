/**
 * A file that names a script in a way the tool does not read as a run of it (src/analyze/callers.ts):
 * the script may run from a folder the tool cannot follow, never assumed to be its own.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/index.js';
import { MemoryFs } from '../../src/model/fs.js';

const SH = '#!/bin/sh\nset -e\ndocker build -t app:build -f docker/Dockerfile.build docker\ndocker create --name x app:build\ndocker cp x:/out/app docker/app\ndocker rm x\ndocker build -t app:latest docker\n';
const PS = SH.split('\n').slice(2).join('\n');
const DOCKER = { 'docker/Dockerfile.build': 'FROM golang:1.21\nRUN go build -o /out/app .\n', 'docker/Dockerfile': 'FROM alpine:3.19\nCOPY app /app\n' };

function analysed(target: string, body: string, caller: string, text: string) {
  const fs = new MemoryFs({ ...DOCKER, [target]: body, [caller]: text });
  return analyze(fs, [...Object.keys(DOCKER), target], undefined, [caller]);
}
const conflict = (a: ReturnType<typeof analysed>) => a.setups.flatMap((s) => s.diagnostics.filter((d) => d.code === 'CALLER_FOLDERS_DIFFER').map((d) => d.message));

describe('a naming the tool does not read as a run', () => {
  for (const [what, target, caller, text] of [
    ['a shell script running it by a path only known at run time', 'scripts/build.sh', 'ci.sh', '#!/bin/sh\n"$DIR"/build.sh\n'],
    ['a shell running it by such a path', 'scripts/build.sh', 'ci.sh', '#!/bin/sh\nbash -e "$DIR/build.sh"\n'],
    ['PowerShell running it through Invoke-Expression', 'scripts/build.ps1', 'all.ps1', "Invoke-Expression '.\\scripts\\build.ps1'\n"],
    ['PowerShell starting pwsh on it with Start-Process', 'scripts/build.ps1', 'all.ps1', "Start-Process pwsh -ArgumentList '-File', '.\\scripts\\build.ps1' -Wait\n"],
    ['a justfile (no reader takes it) after a cd', 'scripts/build.sh', 'justfile', 'image:\n    cd scripts && ./build.sh\n'],
    ['a shell script that does not parse, after a value only known at run time', 'scripts/build.sh', 'ci.sh', '#!/bin/sh\nif then "$DIR"/build.sh\n'],
  ] as const) {
    it(`refuses for ${what}: it may run it from a folder the tool cannot follow`, () => {
      const a = analysed(target, target.endsWith('.ps1') ? PS : SH, caller, text);
      expect(a.scripts.get(target)!.startCwd).toBeNull();
      expect(conflict(a).join('\n')).toMatch(new RegExp(`^${caller.replace('.', '\\.')}:\\d+ .*it may run ${target.replace('.', '\\.')} from a folder the tool cannot follow`));
    });
  }

  it('keeps such a command of a caller the analysis read and released (it drives no setup)', () => {
    const fs = new MemoryFs({ ...DOCKER, 'scripts/build.sh': SH, 'ci.sh': '#!/bin/sh\ndocker ps\n"$DIR"/build.sh\n' });
    const a = analyze(fs, [...Object.keys(DOCKER), 'scripts/build.sh', 'ci.sh']);
    expect(a.scripts.get('scripts/build.sh')!.startCwd).toBeNull();
    expect(conflict(a).join('\n')).toMatch(/^ci\.sh:3 names it in a command/);
  });

  it('reads a file no reader takes as running the script from its own folder when its path names it from there', () => {
    const a = analysed('scripts/build.sh', SH, 'justfile', 'image:\n    ./scripts/build.sh\n');
    expect(a.scripts.get('scripts/build.sh')!.startCwd).toBe('');
    expect(conflict(a)).toEqual([]);
  });

  it('does not refuse a naming run in place from the script\'s own folder (the same reading either way)', () => {
    for (const text of ['#!/bin/sh\ncd scripts\n"$DIR"/build.sh\n', '#!/bin/sh\ncd scripts\neval "${STEP:-./build.sh}"\n']) {
      const a = analysed('scripts/build.sh', SH.replace(/docker\//g, '../docker/'), 'ci.sh', text);
      expect(conflict(a), text).toEqual([]);
      expect(a.scripts.get('scripts/build.sh')!.startCwd, text).toBeUndefined();
    }
    // From another folder it may be this script, run from there.
    expect(conflict(analysed('scripts/build.sh', SH, 'ci.sh', '#!/bin/sh\neval "${STEP:-./scripts/build.sh}"\n'))).toHaveLength(1);
  });

  it('does not refuse when the script moves to a fixed folder first', () => {
    const fixed = SH.replace('set -e\n', 'set -e\ncd "$(dirname "$0")/.."\n');
    const a = analysed('scripts/build.sh', fixed, 'ci.sh', '#!/bin/sh\n"$DIR"/build.sh\n');
    expect(conflict(a)).toEqual([]);
    expect(a.setups[0]!.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  for (const [what, target, caller, text] of [
    ['a comment', 'scripts/build.sh', 'ci.sh', '#!/bin/sh\n# run scripts/build.sh first\necho done\n'],
    ['echo, a linter and chmod', 'scripts/build.sh', 'ci.sh', '#!/bin/sh\necho "run scripts/build.sh"\nshellcheck scripts/build.sh\nchmod +x scripts/build.sh\n'],
    ['a PowerShell comment and Write-Host', 'scripts/build.ps1', 'all.ps1', '# ./scripts/build.ps1\nWrite-Host "run .\\scripts\\build.ps1"\n'],
    ['a README', 'scripts/build.sh', 'README', 'Run ./scripts/build.sh from anywhere.\n'],
    ['a Dockerfile (it runs in a container)', 'scripts/build.sh', 'Dockerfile.ci', 'FROM alpine\nRUN cd /src && ./build.sh\n'],
  ] as const) {
    it(`is no call in ${what}`, () => {
      const a = analysed(target, target.endsWith('.ps1') ? PS : SH, caller, text);
      expect(a.scripts.get(target)!.startCwd).toBeUndefined();
      expect(conflict(a)).toEqual([]);
    });
  }
});
