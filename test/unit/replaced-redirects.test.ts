/**
 * The export build takes the place of the extraction's command whole: the old command's
 * redirects go with it (a `< steps.sh` that fed the builder container is not handed to
 * `docker build`), and where one of them wrote a file the export build does not write, the
 * setup is refused rather than that file silently no longer written.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/index.js';
import { applied, planFiles } from '../support/plan.js';

const BASE = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY out/relay /usr/local/bin/relay\nCMD ["relay"]\n',
  'main.go': 'package main\n',
  'steps.sh': 'set -e\ngo build -o /out/relay .\n',
};
const RUN = 'docker run --rm -v "$PWD/out:/out" relay:build go build -o /out/relay .';
const EXPORT = 'docker build --target export --output type=local,dest=out -f Dockerfile .';
const script = (run: string, later = '') => `#!/bin/sh\nset -e\ndocker build -t relay:build -f Dockerfile.build .\nmkdir -p out\n${run}\ndocker build -t relay:latest .\n./out/relay --selftest\n${later}`;

const errors = (plan: Plan) => plan.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error'));

function migrate(run: string, later = ''): { plan: Plan; out: Record<string, string> | null } {
  const all = { ...BASE, 'build.sh': script(run, later) };
  const plan = planFiles(all);
  return { plan, out: errors(plan).length === 0 ? applied(all, plan) : null };
}

describe('the export build in place of a redirected command', () => {
  it.each([
    ['a script fed on standard input', `${RUN} < steps.sh`],
    ['output moved between streams and discarded', `${RUN} > /dev/null 2>&1`],
    ['a heredoc', `${RUN} <<EOF\ngo build -o /out/relay .\nEOF`],
  ])('drops %s with the command', (_, run) => {
    const { plan, out } = migrate(run);
    expect(errors(plan).map((d) => d.message)).toEqual([]);
    expect(out!['build.sh']).toBe(`#!/bin/sh\nset -e\nmkdir -p out\n${EXPORT}\ndocker build -t relay:latest .\n./out/relay --selftest\n`);
  });

  it('refuses when a redirect wrote a file the export build would not', () => {
    const { plan } = migrate(`${RUN} 2> build.log`, 'cat build.log\n');
    expect(errors(plan).map((d) => [d.code, d.line, d.message])).toEqual([
      // The later read of that file is a finding of its own (src/plan/removed-outputs.ts).
      ['REMOVED_OUTPUT_USED', 8, `\`cat build.log\` (build.sh:8) uses build.log, but it was written by \`${RUN}\` (build.sh:5), which the migration removes: the migrated script no longer writes it`],
      ['SCRIPT_EDIT_UNSAFE', 5, `the export build would take the place of \`${RUN}\`, whose redirect \`2> build.log\` writes a file the export build does not write: the old command's redirects go with it`],
    ]);
  });
});
