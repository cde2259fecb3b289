/**
 * A run-time build fed through a pipe (`cat steps.sh | docker run … IMG go build …`): half a
 * pipe cannot be removed, so a plain `cat FILE` of a repository file goes with the command it
 * feeds (exactly what removing `… < FILE` does), in the delete and the export-build paths
 * alike, in a shell script, a Makefile and package.json. Any other producer refuses, naming it.
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
const BUILD = 'docker build -t relay:build -f Dockerfile.build .';
const RUN = 'docker run --rm -v "$PWD/out:/out" relay:build go build -o /out/relay .';
const EXPORT = 'docker build --target export --output type=local,dest=out -f Dockerfile .';
const sh = (lines: string[]) => ['#!/bin/sh', 'set -e', ...lines, ''].join('\n');

const errors = (plan: Plan) => plan.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error'));

function migrated(files: Record<string, string>, file: string): string {
  const all = { ...BASE, ...files };
  const plan = planFiles(all);
  expect(errors(plan).map((d) => `${d.code}: ${d.message}`)).toEqual([]);
  expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
  return applied(all, plan)[file]!;
}

describe('a builder fed by `cat FILE |`', () => {
  it('goes with the run it fed when the run goes', () => {
    const out = migrated({ 'build.sh': sh([BUILD, 'mkdir -p out', `cat steps.sh | ${RUN}`, 'docker build -t relay:latest .']) }, 'build.sh');
    // (the `mkdir -p out` only served the extraction: it goes too)
    expect(out).toBe(sh(['docker build -t relay:latest .']));
  });

  it('goes with the run the export build replaces: the export build takes the whole pipeline\'s place', () => {
    const out = migrated({ 'build.sh': sh([BUILD, 'mkdir -p out', `cat steps.sh | ${RUN}`, 'docker build -t relay:latest .', './out/relay --selftest']) }, 'build.sh');
    expect(out).toBe(sh(['mkdir -p out', EXPORT, 'docker build -t relay:latest .', './out/relay --selftest']));
  });

  it('in a Makefile recipe and an npm script', () => {
    const makefile = `image:\n\t${BUILD}\n\tmkdir -p out\n\tcat steps.sh | ${RUN.replace('$PWD', () => '$$PWD')}\n\tdocker build -t relay:latest .\n\t./out/relay --selftest\n`;
    expect(migrated({ Makefile: makefile }, 'Makefile')).toBe(`image:\n\tmkdir -p out\n\t${EXPORT}\n\tdocker build -t relay:latest .\n\t./out/relay --selftest\n`);
    const pkg = (image: string) => `${JSON.stringify({ name: 'relay', private: true, scripts: { image } }, null, 2)}\n`;
    const npm = pkg(`${BUILD} && mkdir -p out && cat steps.sh | ${RUN} && docker build -t relay:latest . && ./out/relay --selftest`);
    expect(migrated({ 'package.json': npm }, 'package.json')).toBe(pkg(`mkdir -p out && ${EXPORT} && docker build -t relay:latest . && ./out/relay --selftest`));
  });

  it.each([
    ['echo "go build" |', 'is not `cat` of one file'],
    ['cat steps.sh extra.sh |', 'is not `cat` of one file'],
    ['cat missing.sh |', 'reads missing.sh, which is no file of the repository'],
    ['cat "$STEPS" |', 'reads `"$STEPS"`, a file only known when the script runs'],
    ['cat steps.sh 2>/dev/null |', 'has redirects, variables or input of its own'],
  ])('any other producer refuses, naming it: `%s`', (feed, why) => {
    const plan = planFiles({ ...BASE, 'extra.sh': '\n', 'build.sh': sh([BUILD, 'mkdir -p out', `${feed} ${RUN}`, 'docker build -t relay:latest .']) });
    const producer = feed.slice(0, -2);
    expect(errors(plan).map((d) => [d.code, d.line, d.message])).toEqual([
      ['SCRIPT_EDIT_UNSAFE', 5, `\`${RUN}\` goes, but \`${producer}\` feeds it through a pipe and ${why}: only a plain \`cat FILE\` of a file in the repository goes with the command it feeds (it is then exactly \`< FILE\`)`],
    ]);
  });
});
