/**
 * The analysis drops each embedded snippet's own reading (src/analyze/release.ts) and reads
 * it again when the plan edits the snippet: the second reading must be the first one, also
 * for a snippet that starts where the one before it ended (GitLab `script:` items).
 */
import { describe, expect, it } from 'vitest';
import { analyze, readScript, scriptKindOf } from '../../src/analyze/index.js';
import type { EmbeddedScript } from '../../src/analyze/embedded.js';
import { releaseSnippetReadings } from '../../src/analyze/release.js';
import { MemoryFs } from '../../src/model/fs.js';

const FILES: Record<string, string> = {
  'package.json': JSON.stringify({ scripts: { prebuild: 'echo start', build: 'docker build -t app:build -f Dockerfile.build . && docker create --name x app:build', extract: 'docker cp x:/out/app ./app; docker rm x', image: 'cd web && docker build -t app .' } }, null, 2),
  Makefile: ['IMAGE ?= acme/app', 'image:', '\tdocker build -t $(IMAGE):build -f Dockerfile.build .', '\tif [ -n "$$CI" ]; then \\', '\t  echo ci; \\', '\tfi', '\tdocker build -t $(IMAGE) .', ''].join('\n'),
  '.gitlab-ci.yml': ['build:', '  script:', '    - export TAG=v1', '    - cd sub', '    - docker build -t app:$TAG -f Dockerfile.build .', '    - docker cp x:/out/app ./app', ''].join('\n'),
};

function read(rel: string): EmbeddedScript {
  const fs = new MemoryFs(FILES);
  const script = readScript(scriptKindOf(rel, FILES[rel]!)!, rel, FILES[rel]!, fs).script as EmbeddedScript;
  expect(script.parts.length).toBeGreaterThan(1);
  return script;
}

describe('snippet readings released after analysis', () => {
  for (const rel of Object.keys(FILES)) {
    it(`${rel}: each snippet reads again exactly as the analysis first read it`, () => {
      const script = read(rel);
      const first = script.parts.map((p) => p.script);
      releaseSnippetReadings(script);
      script.parts.forEach((p, k) => {
        expect(p.count).toBe(first[k]!.commands.length);
        const again = p.script;
        expect(again).not.toBe(first[k]);
        expect(again).toEqual(first[k]);
      });
    });
  }

  it('a GitLab item that continues the one before starts from where that one ended', () => {
    const script = read('.gitlab-ci.yml');
    releaseSnippetReadings(script);
    const docker = script.parts.flatMap((p) => p.script.commands).find((c) => c.words[0]?.value === 'docker')!;
    expect(docker.cwd).toBe('sub');
    expect(docker.words.map((w) => w.value)).toContain('app:v1');
  });

  it('the analysis keeps no snippet reading, only what reads it again', () => {
    const fs = new MemoryFs(FILES);
    const analysis = analyze(fs, Object.keys(FILES).sort());
    const pkg = analysis.scripts.get('package.json') as EmbeddedScript;
    for (const p of pkg.parts) expect(Object.getOwnPropertyDescriptor(p, 'script')).toBeUndefined();
    expect(pkg.parts.map((p) => p.script.commands.length)).toEqual(pkg.parts.map((p) => p.count));
  });

  it('a snippet that would read differently the second time is an internal error, never an edit', () => {
    const script = read('package.json');
    releaseSnippetReadings(script);
    const part = script.parts.find((p) => p.snippet.shell.startsWith('docker cp'))!;
    part.snippet.shell = `true; ${part.snippet.shell}`;
    expect(() => part.script).toThrow(/reads differently the second time/);
  });
});
