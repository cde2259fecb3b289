/**
 * The analysis drops each embedded snippet's own reading (src/analyze/release.ts), the
 * snippets holding a setup's commands too, though the plan edits exactly those: it reads them
 * again. The reading again must be the one the analysis made, and the plan made from it the
 * one made while the readings were held (the rewritten scripts below are that plan's, byte for
 * byte).
 */
import { describe, expect, it } from 'vitest';
import { analyze, readScript, scriptKindOf, setupCommands } from '../../src/analyze/index.js';
import type { EmbeddedScript } from '../../src/analyze/embedded.js';
import { MemoryFs } from '../../src/model/fs.js';
import { planMigration } from '../../src/plan/index.js';

const FILES: Record<string, string> = {
  'package.json': JSON.stringify(
    {
      scripts: {
        lint: 'eslint . && echo linted',
        'build:builder': 'docker build -t acme/web:build -f Dockerfile.build .',
        'extract:app': 'docker create --name web-extract acme/web:build && docker cp web-extract:/out/app ./app && docker rm web-extract',
        'build:image': 'docker build -t acme/web:latest .',
        build: 'npm run build:builder && npm run extract:app && npm run build:image',
        test: 'echo testing',
      },
    },
    null,
    2,
  ),
  Makefile: ['IMAGE ?= acme/api', '', 'lint:', '\techo lint', '', 'image:', '\tdocker build -t $(IMAGE):build -f Dockerfile.build .', '\tdocker create --name api-extract $(IMAGE):build', '\tdocker cp api-extract:/out/app ./app', '\tdocker rm api-extract', '\tdocker build -t $(IMAGE) .', ''].join('\n'),
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/\nCMD ["app"]\n',
  'main.go': 'package main\nfunc main() {}\n',
};

const own = (p: object) => Object.getOwnPropertyDescriptor(p, 'script') !== undefined;

/** What the plan wrote when the setup's snippets kept the analysis's reading. */
const REWRITTEN: Record<string, string> = {
  'package.json': '{\n  "scripts": {\n    "lint": "eslint . && echo linted",\n    "build:image": "docker build -t acme/web:latest .",\n    "build": "npm run build:image",\n    "test": "echo testing"\n  }\n}',
  Makefile: 'IMAGE ?= acme/api\n\nlint:\n\techo lint\n\nimage:\n\tdocker build -t $(IMAGE) .\n',
};

function run(host: string) {
  const files = { [host]: FILES[host]!, 'Dockerfile.build': FILES['Dockerfile.build']!, Dockerfile: FILES.Dockerfile!, 'main.go': FILES['main.go']! };
  const fs = new MemoryFs(files);
  const analysis = analyze(fs, Object.keys(files).sort());
  const script = analysis.scripts.get(host) as EmbeddedScript;
  return { fs, analysis, script, plan: planMigration(analysis, fs, { stageName: 'builder' }) };
}

describe("a setup's snippets: dropped after the analysis, read again by the plan", () => {
  for (const host of ['package.json', 'Makefile']) {
    it(`${host}: no snippet keeps its reading, the setup's included, and each reads again as first read`, () => {
      const { analysis, script, fs } = run(host);
      expect(analysis.setups).toHaveLength(1);
      const commands = new Set(setupCommands(analysis.setups[0]!));
      const holding = script.parts.filter((p) => script.commands.slice(p.first, p.first + p.count).some((c) => commands.has(c)));
      expect(holding.length).toBeGreaterThan(0);
      for (const p of script.parts) expect(own(p)).toBe(false);
      // The first reading, made afresh: each snippet reads again exactly as it.
      const fresh = readScript(scriptKindOf(host, FILES[host]!)!, host, FILES[host]!, fs).script as EmbeddedScript;
      expect(fresh.parts.every(own)).toBe(true);
      script.parts.forEach((p, k) => expect(p.script).toEqual(fresh.parts[k]!.script));
    });

    it(`${host}: the plan rewrites the script as when the readings were held`, () => {
      const { plan } = run(host);
      expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
      expect(plan.changes.find((c) => c.path === host)?.after).toBe(REWRITTEN[host]);
    });
  }
});
