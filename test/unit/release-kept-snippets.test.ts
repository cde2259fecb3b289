/**
 * The analysis drops each embedded snippet's own reading (src/analyze/release.ts), but for the
 * snippets holding a command of one of the file's setups: the plan edits those, so their
 * reading is kept instead of read again. The kept reading must be the one reading again gives,
 * and the plan made from it the same, byte for byte, as from snippets all read again.
 */
import { describe, expect, it } from 'vitest';
import { analyze, setupCommands } from '../../src/analyze/index.js';
import type { EmbeddedScript } from '../../src/analyze/embedded.js';
import { releaseSnippetReadings } from '../../src/analyze/release.js';
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

function run(host: string, releaseAll: boolean) {
  const files = { [host]: FILES[host]!, 'Dockerfile.build': FILES['Dockerfile.build']!, Dockerfile: FILES.Dockerfile!, 'main.go': FILES['main.go']! };
  const fs = new MemoryFs(files);
  const analysis = analyze(fs, Object.keys(files).sort());
  const script = analysis.scripts.get(host) as EmbeddedScript;
  if (releaseAll) releaseSnippetReadings(script);
  return { analysis, script, plan: planMigration(analysis, fs, { stageName: 'builder' }) };
}

describe('snippet readings kept for the setups the plan edits', () => {
  for (const host of ['package.json', 'Makefile']) {
    it(`${host}: only the snippets holding a setup's command keep their reading, and it is the one read again`, () => {
      const { analysis, script } = run(host, false);
      expect(analysis.setups).toHaveLength(1);
      const commands = new Set(setupCommands(analysis.setups[0]!));
      const holds = (p: EmbeddedScript['parts'][number]) => script.commands.slice(p.first, p.first + p.count).some((c) => commands.has(c));
      const kept = script.parts.filter(holds);
      const released = script.parts.filter((p) => !holds(p));
      expect(kept.length).toBeGreaterThan(0);
      expect(released.length).toBeGreaterThan(0);
      for (const p of kept) expect(own(p)).toBe(true);
      for (const p of released) expect(own(p)).toBe(false);
      const first = kept.map((p) => p.script);
      // Released now, each reads again as the kept reading was.
      releaseSnippetReadings(script);
      kept.forEach((_, k) => {
        const part = script.parts[script.parts.findIndex((p) => p.first === kept[k]!.first)]!;
        expect(own(part)).toBe(false);
        expect(part.script).not.toBe(first[k]);
        expect(part.script).toEqual(first[k]);
      });
    });

    it(`${host}: the plan is the same whether the setup's snippets were kept or read again`, () => {
      const kept = run(host, false);
      const again = run(host, true);
      expect(kept.plan.setups.map((s) => s.status)).toEqual(['migrate']);
      expect(JSON.stringify(kept.plan)).toBe(JSON.stringify(again.plan));
    });
  }
});
