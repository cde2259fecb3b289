/**
 * What the analysis keeps until the plan is made is held in objects of a few hidden classes:
 * a parsed Dockerfile's spans (each FROM, each COPY's sources and destination) are built field
 * by field (src/analyze/dockerfile.ts), since a literal spread from a span with a new key
 * (`{ ...span, value }`) gave every object a hidden class of its own, about 250 bytes instead
 * of 48. V8 says whether two objects share a hidden class only with --allow-natives-syntax, so
 * the check runs in a child process.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs `body` (with `readDockerfile` and `sameMap(a, b)` in scope) in a child with natives syntax; returns its JSON value. */
function inChild(body: string): unknown {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-shapes-'));
  const script = path.join(dir, 'probe.mts');
  fs.writeFileSync(
    script,
    `import { readDockerfile } from ${JSON.stringify(path.join(REPO, 'src/analyze/dockerfile.ts'))};\n` +
      `const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;\n` +
      `void readDockerfile, sameMap;\nprocess.stdout.write(JSON.stringify((() => { ${body} })()));\n`,
  );
  try {
    const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', script], { cwd: REPO, encoding: 'utf8', timeout: 25_000 });
    if (r.status !== 0) throw new Error(`child failed (${r.signal ?? r.status}): ${r.stderr}`);
    return JSON.parse(r.stdout);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const dockerfile = (n: number) =>
  `FROM golang:1.${n} AS build\nCOPY go.mod go.sum ./\nCOPY ["main.go", "/src/"]\nRUN go build -o /out/app${n} .\n\nFROM alpine:3.19\nCOPY --from=build /out/app${n} /usr/local/bin/app${n}\n`;

describe("a parsed Dockerfile's kept facts", () => {
  it('share their hidden classes across Dockerfiles: stage FROMs, COPY spans, sources and destinations', () => {
    const texts = Array.from({ length: 12 }, (_, n) => dockerfile(n));
    const result = inChild(`
      const facts = ${JSON.stringify(texts)}.map((t, n) => readDockerfile('svc' + n + '/Dockerfile', t));
      const groups = {
        from: facts.flatMap((f) => f.stages.map((s) => s.from)),
        span: facts.flatMap((f) => f.copies.map((c) => c.span)),
        source: facts.flatMap((f) => f.copies.filter((c) => !c.json).flatMap((c) => c.sources)),
        jsonSource: facts.flatMap((f) => f.copies.filter((c) => c.json).flatMap((c) => c.sources)),
        dest: facts.flatMap((f) => f.copies.map((c) => c.dest!)),
      };
      return Object.fromEntries(Object.entries(groups).map(([k, objs]) => [k, { count: objs.length, classes: objs.filter((o, i) => !objs.slice(0, i).some((p) => sameMap(p, o))).length }]));
    `);
    expect(result).toEqual({
      from: { count: 24, classes: 1 },
      span: { count: 36, classes: 1 },
      source: { count: 36, classes: 1 },
      jsonSource: { count: 12, classes: 1 },
      dest: { count: 36, classes: 1 },
    });
  });
});
