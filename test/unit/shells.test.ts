/**
 * One list of shells (src/model/shells.ts) read by every reader that asks whether a program is
 * one: a caller's `ash build.sh` is a call of the script as `dash build.sh` is, a script whose
 * first line names ash is read as shell, and a builder container's `mksh` with `-i` reads its
 * script from standard input as `ksh` does.
 */
import { describe, expect, it } from 'vitest';
import { calledPath } from '../../src/analyze/callers.js';
import { parseShell } from '../../src/analyze/shell.js';
import { applied, planFiles } from '../support/plan.js';

const command = (text: string) => parseShell('ci.sh', `${text}\n`).script!.commands[0]!;

describe('one list of shells', () => {
  it('reads `ash build.sh` as a call of the script, as `dash build.sh`', () => {
    expect(['dash build.sh', 'ash build.sh', '/bin/ash -e build.sh', 'zsh build.sh'].map((t) => calledPath(command(t)))).toEqual(['build.sh', 'build.sh', 'build.sh', null]);
  });

  it('reads a script whose first line names ash as shell: one that never names the artifact is no use of it', () => {
    const files = {
      'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
      Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n',
      'main.go': 'package main\n',
      'notify.sh': '#!/bin/ash\necho "image built"\n',
      'build.sh': '#!/bin/sh\nset -e\ndocker build -t app:build -f Dockerfile.build .\ndocker create --name x app:build\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build -t app:latest .\n./notify.sh\n',
    };
    const plan = planFiles(files);
    expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
    expect(applied(files, plan)['build.sh']).toBe('#!/bin/sh\nset -e\ndocker build -t app:latest .\n./notify.sh\n');
  });

  it('refuses a builder run whose shell (mksh, as ksh) reads its script from the input kept open with -i', () => {
    for (const shell of ['ksh', 'mksh']) {
      const files = {
        'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\n',
        Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n',
        'main.go': 'package main\n',
        'build.sh': `#!/bin/sh\nset -e\ndocker build -t app:build -f Dockerfile.build .\ndocker run -i --name x app:build ${shell}\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build -t app:latest .\n`,
      };
      const plan = planFiles(files);
      expect(plan.setups[0]!.diagnostics.filter((d) => d.code === 'BUILD_AT_RUN_TIME').map((d) => d.message), shell).toEqual([expect.stringContaining(`\`${shell}\` reads its script from it`)]);
    }
  });
});
