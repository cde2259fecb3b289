/**
 * The fuzzer's runtime COPY source through a build argument (test/fuzz/copy-arg-features.ts):
 * the artifact's own line reads `${APP_SRC}` (its default, or the value the runtime build
 * passes), or a second line reads `${EXTRA_FILE}` (the program passed, or the program by default
 * and NOTICE passed); `none` writes what was written before.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { generate, normalize, type RepoSpec } from '../fuzz/grammar.js';
import { layout, render } from '../fuzz/render.js';

const file = (s: RepoSpec, p: RegExp) => render(s).files.find((f) => p.test(f.path))?.content ?? '';
const runtimeFile = (s: RepoSpec) => file(s, /(^|\/)Dockerfile$/);
const all = (s: RepoSpec) => render(s).files.map((f) => f.content).join('\n');

describe('fuzz: a runtime COPY source through a build argument', () => {
  const drawn = Array.from({ length: 400 }, (_, k) => generate(172000 + k)).filter((s) => s.copyArg !== 'none');

  it('is drawn in every form, never for a name with a space, and through the artifact\'s own line only for a file', () => {
    expect(new Set(drawn.map((s) => s.copyArg))).toEqual(new Set(['default', 'given', 'second-given', 'second-other']));
    for (const s of drawn) expect(s.spaceName, `seed ${s.seed}`).toBe(false);
    const own = drawn.find((s) => s.copyArg === 'given')!;
    expect(normalize({ ...own, extraction: 'create-cp', artifact: 'folder', dest: 'same' }).copyArg).toBe('second-given');
    expect(normalize({ ...own, dest: 'rename', spaceName: true }).copyArg).toBe('none');
    // A rebuild from a context holding only the artifact has no NOTICE to read by default (the old pipeline would fail).
    for (const form of ['given', 'second-given', 'second-other'] as const) expect(normalize({ ...own, copyArg: form, runtimeRebuild: 'context' }).copyArg).toBe('none');
    expect(normalize({ ...own, copyArg: 'default', runtimeRebuild: 'context' }).copyArg).toBe('default');
    expect(normalize(generate(15)).copyArg === 'none' || normalize(generate(15)).runtimeRebuild !== 'context').toBe(true);
  });

  it('reads the artifact through the argument, with the value the runtime build gives it', () => {
    for (const s of drawn) {
      const r = runtimeFile(s);
      const l = layout(s);
      // (a JS script's argument array splits the flag from its value)
      const passed = (name: string, value: string) => expect(all(s), `seed ${s.seed}`).toMatch(new RegExp(`--build-arg('?, '?| )${name}=${value.replace(/[./]/g, '\\$&')}\\b`));
      switch (s.copyArg) {
        case 'default':
          expect(r, `seed ${s.seed}`).toContain(`ARG APP_SRC=${l.hostPath}\nCOPY `);
          expect(r, `seed ${s.seed}`).toMatch(/^COPY .*\$\{APP_SRC\} /m);
          expect(all(s), `seed ${s.seed}`).not.toContain('--build-arg APP_SRC');
          break;
        case 'given':
          expect(r, `seed ${s.seed}`).toContain('ARG APP_SRC=NOTICE\nCOPY ');
          passed('APP_SRC', l.hostPath);
          break;
        case 'second-given':
          expect(r, `seed ${s.seed}`).toContain(`ARG EXTRA_FILE=NOTICE\nCOPY \${EXTRA_FILE} /usr/share/doc/${s.app}/\n`);
          passed('EXTRA_FILE', l.hostProgram);
          break;
        default:
          expect(r, `seed ${s.seed}`).toContain(`ARG EXTRA_FILE=${l.hostProgram}\nCOPY \${EXTRA_FILE} /usr/share/doc/${s.app}/\n`);
          passed('EXTRA_FILE', 'NOTICE');
      }
      // an allowlist lets NOTICE through where a line may read it
      const ignore = file(s, /^(svc\/)?\.dockerignore$/);
      if (s.dfIgnore === 'allowlist') expect(ignore.includes('!NOTICE'), `seed ${s.seed}`).toBe(s.copyArg !== 'default');
    }
    const script = drawn.find((s) => s.runner === 'script' && (s.driver === 'sh' || s.driver === 'bash'))!;
    expect(spawnSync(script.driver, ['-n'], { input: file(script, /build\.sh$/) }).status).toBe(0);
  });

  it('writes what was written before when the draw is none', () => {
    for (const s of drawn.slice(0, 20)) {
      const text = all(normalize({ ...s, copyArg: 'none' }));
      expect(text, `seed ${s.seed}`).not.toMatch(/APP_SRC|EXTRA_FILE/);
    }
  });
});
