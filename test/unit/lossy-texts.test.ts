/** A file the plan would change whose bytes are not valid UTF-8 refuses its setup (src/plan/lossy-texts.ts). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planDir } from '../support/plan.js';

const FILES: Record<string, string | Buffer> = {
  'build.sh': '#!/bin/sh\nset -e\ndocker build -t relay:build -f Dockerfile.build .\ndocker container create --name relay-extract relay:build\ndocker container cp relay-extract:/out/relay ./relay\ndocker container rm relay-extract\ndocker build -t relay:latest .\nrm relay\n',
  'Dockerfile.build': 'FROM golang:1.22\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/relay main.go\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY relay /usr/local/bin/relay\nCMD ["relay"]\n',
  'main.go': 'package main\n\nfunc main() {}\n',
};

function tree(over: Record<string, string | Buffer>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lossy-'));
  for (const [rel, body] of Object.entries({ ...FILES, ...over })) fs.writeFileSync(path.join(dir, rel), body);
  return dir;
}

const latin1 = (text: string) => Buffer.from(text, 'latin1');
const errors = (dir: string) => planDir(dir).setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.file}`));

describe('files that are not valid UTF-8', () => {
  it('refuses a setup whose runtime Dockerfile would be rewritten', () => {
    const dir = tree({ Dockerfile: latin1('# Image finale, compil\xe9e\nFROM alpine:3.19\nCOPY relay /usr/local/bin/relay\nCMD ["relay"]\n') });
    expect(errors(dir)).toEqual(['READ_ERROR Dockerfile']);
    expect(planDir(dir).changes).toEqual([]);
  });

  it('refuses a setup whose builder Dockerfile would be deleted', () => {
    const dir = tree({ 'Dockerfile.build': latin1('# \xc9tape de compilation\nFROM golang:1.22\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/relay main.go\n') });
    expect(errors(dir)).toEqual(['READ_ERROR Dockerfile.build']);
  });

  it('refuses a setup whose script would be rewritten', () => {
    const dir = tree({ 'build.sh': latin1(`#!/bin/sh\n# compil\xe9\n${(FILES['build.sh'] as string).slice('#!/bin/sh\n'.length)}`) });
    expect(errors(dir)).toEqual(['READ_ERROR build.sh']);
  });

  it('migrates a file that holds U+FFFD itself, as valid UTF-8, with its text as its bytes', () => {
    const script = `#!/bin/sh\n# replacement character: \uFFFD\n${(FILES['build.sh'] as string).slice('#!/bin/sh\n'.length)}`;
    const dir = tree({ 'build.sh': script });
    const plan = planDir(dir);
    expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
    const change = plan.changes.find((c) => c.path === 'build.sh')!;
    expect(Buffer.from(change.before!, 'utf8').equals(fs.readFileSync(path.join(dir, 'build.sh')))).toBe(true);
    expect(change.after).toContain('# replacement character: \uFFFD\n');
  });
});
