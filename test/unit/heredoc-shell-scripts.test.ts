/**
 * A shell fed its script on standard input by a here-document or here-string (`sh <<'EOF'`,
 * `bash -s <<-EOF`, `sh <<< '…'`) runs that text as a `-c` text: its commands are checked as the
 * script's own (the container the migration no longer makes, the builder image it no longer
 * builds). An unquoted delimiter's text is read with the values of its expansions.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n';
const STEPS = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker build -t app:latest .'];

const repo = (after: string[], before: string[] = []) => ({
  'Dockerfile.build': BUILDER,
  Dockerfile: RUNTIME,
  'main.go': 'package main\n',
  'build.sh': ['#!/bin/bash', 'set -e', ...before, ...STEPS, ...after, ''].join('\n'),
});

describe('a shell reading its script from a here-document', () => {
  it('goes with the container it only removed', () => {
    for (const after of [["sh <<'SCRIPT'", 'docker rm x', 'SCRIPT'], ['bash -s <<-SCRIPT', '\tdocker rm -f x', 'SCRIPT'], ["sh <<< 'docker rm x'"]]) {
      const files = repo(after);
      const plan = planFiles(files);
      expect(plan.setups.map((s) => s.status), after.join('\n')).toEqual(['migrate']);
      expect(applied(files, plan)['build.sh'], after.join('\n')).toBe('#!/bin/bash\nset -e\ndocker build -t app:latest .\n');
    }
  });

  it('reads an unquoted delimiter\'s text with the values of its expansions', () => {
    const files = repo(['sh <<SCRIPT', 'docker rm $C', 'SCRIPT'], ['C=x']);
    files['build.sh'] = files['build.sh'].replace(/ x/g, ' $C').replace('x:/out', '$C:/out');
    const plan = planFiles(files);
    expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
    expect(applied(files, plan)['build.sh']).not.toContain('rm');
  });

  it('refuses where the text uses the container for more, or the builder image', () => {
    for (const after of [["sh <<'SCRIPT'", 'docker rm x', 'echo removed > removed.txt', 'SCRIPT'], ["sh <<'SCRIPT'", 'docker rm x', 'docker image inspect app:build > /dev/null', 'SCRIPT']]) {
      const plan = planFiles(repo(after));
      expect(plan.setups.map((s) => s.status), after.join('\n')).toEqual(['refused']);
      expect(plan.setups[0]!.diagnostics.map((d) => d.code), after.join('\n')).toContain('REMOVED_NAME_USED');
    }
  });
});
