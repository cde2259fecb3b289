/**
 * A loop over static items is read once per item, each pass from the state before the loop. What
 * a pass changes (a variable, the folder) still reaches the commands after the loop: they must
 * not read the state from before it.
 */
import { describe, expect, it } from 'vitest';
import { parseShell } from '../../src/analyze/shell.js';
import { planFiles } from '../support/plan.js';

/** The command after the loop, as read. */
const last = (text: string) => parseShell('build.sh', `#!/bin/bash\n${text}\n`, { cwd: '' }).script!.commands.at(-1)!;

describe('after a loop over static items', () => {
  it('a variable a pass assigns or exports is only known at run time', () => {
    expect(last('T=a\nfor d in app web; do T=b; done\necho "$T"').words[1]!.value).toBeNull();
    expect(last('for d in app; do export MODE=x; done\necho "$MODE"').words[1]!.value).toBeNull();
    expect(last('for d in app; do export MODE=x; done\nenv').exported).toContain('MODE');
    // One the passes leave alone keeps its value.
    expect(last('T=a\nfor d in app web; do echo "$d"; done\necho "$T"').words[1]!.value).toBe('a');
  });

  it('the folder a pass moved to (or left pushed) is only known at run time', () => {
    expect(last('for d in app; do cd "$d"; done\necho after').cwd).toBeNull();
    expect(last('for d in app; do pushd "$d"; done\necho after').cwd).toBeNull();
    expect(last('for d in app web; do pushd "$d"; echo "$d"; popd; done\necho after').cwd).toBe('');
    expect(last('for d in app web; do pushd "$d"; break; popd; done\necho after').cwd).toBeNull();
  });

  it('a setup after `for d in app; do cd "$d"; done` is not read from the root', () => {
    const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n';
    const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n';
    const script = ['#!/bin/bash', 'set -e', 'for d in app; do cd "$d"; done', 'docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .', ''].join('\n');
    // The same Dockerfiles at the root and in app/: the script builds app/'s.
    const p = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'main.go': 'package main\n', 'app/Dockerfile.build': BUILDER, 'app/Dockerfile': RUNTIME, 'app/main.go': 'package main\n', 'build.sh': script });
    expect(p.changes.map((c) => c.path)).not.toContain('Dockerfile');
    expect(p.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))).toContain('DYNAMIC_BUILD_INPUT');
  });
});
