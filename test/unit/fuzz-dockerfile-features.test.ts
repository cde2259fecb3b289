/**
 * The fuzzer's Dockerfile shapes (test/fuzz/dockerfile-features.ts): drawn from a stream of
 * their own, so every seed keeps the repository it wrote before they were added once they are
 * set plain; and each shape writes what it says (a directive where it counts or where it is
 * only a comment, a stage name, a path through a variable).
 */
import { createHash } from 'node:crypto';
import { DockerfileParser } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import { DOCKERFILE_FEATURES, type DockerfileFeature } from '../fuzz/dockerfile-features.js';
import { FEATURES, generate, HOST_FEATURES, LATE_FEATURES, normalize, RUNNER_FEATURES, TWO_SETUP_FEATURES, type RepoSpec } from '../fuzz/grammar.js';
import { render } from '../fuzz/render.js';

/** Each seed's repository before the Dockerfile shapes existed (a hash of render(generate(seed))). */
const BEFORE: [number, string][] = [
  [1, 'd61880b1c13e550c'],
  [2, '7efb2a2d770df9d4'],
  [3, '553a91ee9d0dfbca'],
  [17, '47032a7e68f29370'],
  [42, 'e7c4174e50a9e596'],
  [100, '600405047cb98d02'],
  [777, '28d03df2d677b364'],
  [5567, 'e3e78d98d6b04ff8'],
  [20000, '017e9ba5d41fe31e'],
  [30000, '27b7c5e43b1fb4c6'],
];

const plain = (s: RepoSpec): RepoSpec => {
  const out = { ...s } as Record<string, unknown>;
  for (const [k, options] of Object.entries(DOCKERFILE_FEATURES)) out[k] = options[0];
  // and run by a script, as before the runners (grammar.ts RUNNER_FEATURES) were drawn
  for (const k of RUNNER_FEATURES) out[k] = FEATURES[k][0];
  // and with nothing reaching the artifact through its folder, as before grammar.ts HOST_FEATURES were drawn
  for (const k of HOST_FEATURES) out[k] = FEATURES[k][0];
  // and with one setup in the script, as before grammar.ts TWO_SETUP_FEATURES were drawn
  for (const k of TWO_SETUP_FEATURES) out[k] = FEATURES[k][0];
  // and with the builder's run step and what runs after the build plain, as before grammar.ts LATE_FEATURES were drawn
  for (const k of LATE_FEATURES) out[k] = FEATURES[k][0];
  return normalize(out as RepoSpec);
};
// (the files, entry and paths: what runs after the build, none when plain, is a field of its own)
const hash = (s: RepoSpec) => {
  const { later, ...repo } = render(s);
  expect(later).toEqual([]);
  return createHash('sha256').update(JSON.stringify(repo)).digest('hex').slice(0, 16);
};
// run by a script (the shapes are read in its files, where a runner seed's may have moved to svc/)
const seeds = Array.from({ length: 400 }, (_, i) => 30000 + i).map((n) => normalize({ ...generate(n), runner: 'script' }));
const file = (s: RepoSpec, path: string) => render(s).files.find((f) => f.path === path)!.content;
// (the first seed of a shape with no stage name shared by both files, unless that is the shape)
const withShape = (k: DockerfileFeature, v: string, also: (s: RepoSpec) => boolean = () => true) => seeds.find((s) => s[k] === v && (k === 'dfSharedStage' || s.dfSharedStage === 'none') && also(s))!;

describe('fuzz Dockerfile shapes', () => {
  it('leave every earlier seed its repository when set plain', () => {
    for (const [seed, before] of BEFORE) expect(hash(plain(generate(seed))), `seed ${seed}`).toBe(before);
  });

  it('are on in many seeds, and never change a choice of the other features', () => {
    const on = seeds.filter((s) => Object.keys(DOCKERFILE_FEATURES).some((k) => s[k as DockerfileFeature] !== DOCKERFILE_FEATURES[k as DockerfileFeature][0]));
    expect(on.length).toBeGreaterThan(seeds.length / 2);
    for (const s of seeds.slice(0, 100)) {
      const p = plain(s) as Record<string, unknown>;
      for (const [k, v] of Object.entries(s)) if (!(k in DOCKERFILE_FEATURES) && !(HOST_FEATURES as string[]).includes(k) && !(TWO_SETUP_FEATURES as string[]).includes(k) && !(LATE_FEATURES as string[]).includes(k)) expect(p[k], `seed ${s.seed} ${k}`).toEqual(v);
    }
  });

  it('write escape directives where they count, and one after a comment where it does not', () => {
    const escapeOf = (text: string) => DockerfileParser.parse(text).getEscapeCharacter();
    const b = withShape('dfDirective', 'escape-builder');
    expect(escapeOf(file(b, b.builderFile))).toBe('`');
    expect(escapeOf(file(b, 'Dockerfile'))).toBe('\\');
    const r = withShape('dfDirective', 'escape-runtime', (s) => s.extraction !== 'stock-build');
    expect(escapeOf(file(r, 'Dockerfile'))).toBe('`');
    expect(escapeOf(file(r, r.builderFile))).toBe('\\');
    const c = withShape('dfDirective', 'not-a-directive');
    expect(file(c, c.builderFile)).toMatch(/^# Builds .*\n# escape=`\n/);
    expect(escapeOf(file(c, c.builderFile))).toBe('\\');
    // Each file continues a line with its own escape character: one instruction over two lines.
    const continued = (text: string) => DockerfileParser.parse(text).getInstructions().filter((i) => i.getRange().start.line !== i.getRange().end.line);
    expect(continued(file(b, b.builderFile)).length).toBeGreaterThan(0);
    expect(continued(file(r, 'Dockerfile')).length).toBeGreaterThan(0);
  });

  it('name the stages they say, and read paths through the variables they declare', () => {
    const stagesOf = (text: string) => DockerfileParser.parse(text).getFROMs().map((f) => [f.getImageName(), f.getBuildStage() ?? null]);
    const deps = withShape('dfStages', 'builder-deps-builder');
    expect(stagesOf(file(deps, deps.builderFile)).slice(-2).map(([image, name]) => [image === 'golang' || image === '${GO_IMAGE}' ? 'base' : image, name])).toEqual([['base', 'builder'], ['builder', null]]);
    const inBase = withShape('dfStages', 'runtime-copy-in-base', (s) => !s.stageCapture);
    const runtime = file(inBase, 'Dockerfile');
    expect(stagesOf(runtime).map(([, name]) => name)).toEqual(['base', null]);
    expect(runtime.indexOf('COPY ')).toBeLessThan(runtime.indexOf('FROM base'));
    // (an ARG the artifact's COPY reads stands between them: test/fuzz/copy-arg-features.ts)
    const env = withShape('dfPaths', 'runtime-env', (s) => !s.runtimeWorkdir && !s.spaceName && s.copyArg === 'none');
    expect(file(env, 'Dockerfile')).toMatch(/^ENV APP_HOME=\S+\nCOPY (--\S+ )*\S+ \$\{APP_HOME\}\//m);
    const arg = withShape('dfPaths', 'builder-arg');
    expect(file(arg, arg.builderFile)).toMatch(/^ARG OUT_DIR=\/out\n[^]*RUN go build -o \$\{OUT_DIR\}\//m);
  });
});
