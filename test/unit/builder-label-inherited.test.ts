/**
 * `--label` of the builder build labels the builder image; a runtime stage built FROM that image
 * inherits the label into the final image. Merged, the flag (which describes the builder image) is
 * dropped, so the final image would lose it (src/plan/build-flags.ts finalStageFromBuilder).
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const BUILDER = 'FROM alpine:3.19\nRUN mkdir /out && echo hi > /out/app\n';
const script = (builderFlags: string, finalFlags = '') => `#!/bin/sh\nset -e\ndocker build ${builderFlags} -t app:build -f Dockerfile.build .\ndocker create --name x app:build\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build ${finalFlags}-t app:latest .\nrm app\n`;
const codes = (runtime: string, builderFlags: string, finalFlags = '') =>
  planFiles({ 'build.sh': script(builderFlags, finalFlags), 'Dockerfile.build': BUILDER, Dockerfile: runtime }).setups.map((s) => [s.status, ...new Set(s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))]);

describe('a builder build\'s --label the final image inherited', () => {
  it('refuses where the final stage starts FROM the builder image, directly or through a stage of its file (podman: the old final image held the label)', () => {
    expect(codes('FROM app:build\nCOPY app /usr/local/bin/app\n', '--label team=core')).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(codes('FROM app:build AS base\nRUN true\nFROM base\nCOPY app /usr/local/bin/app\n', '--label team=core')).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(codes('FROM app:build AS prod\nCOPY app /usr/local/bin/app\nFROM alpine:3.19 AS other\n', '--label team=core', '--target prod ')).toEqual([['refused', 'FLAG_CONFLICT']]);
  });

  it('migrates where the final build sets that key itself, or the final stage does not start from the builder image', () => {
    expect(codes('FROM app:build\nCOPY app /usr/local/bin/app\n', '--label team=core', '--label team=ops ')).toEqual([['migrate']]);
    expect(codes('FROM app:build\nCOPY app /usr/local/bin/app\n', '--label team=core', '--label team=core ')).toEqual([['migrate']]);
    expect(codes('FROM alpine:3.19\nCOPY app /usr/local/bin/app\n', '--label team=core')).toEqual([['migrate']]);
    expect(codes('FROM app:build AS dev\nFROM alpine:3.19\nCOPY app /usr/local/bin/app\n', '--label team=core')).toEqual([['migrate']]);
    expect(codes('FROM app:build\nCOPY app /usr/local/bin/app\n', '')).toEqual([['migrate']]);
  });

  it('refuses where the final build\'s --target is only known at run time and some stage starts FROM the builder image', () => {
    const runtime = 'FROM alpine:3.19 AS plain\nCOPY app /usr/local/bin/app\nFROM app:build AS rich\nCOPY app /usr/local/bin/app\n';
    expect(codes(runtime, '--label team=core', '--target "$T" ')).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(codes('FROM alpine:3.19 AS plain\nCOPY app /usr/local/bin/app\nFROM alpine:3.19 AS other\n', '--label team=core', '--target "$T" ')).not.toContainEqual(expect.arrayContaining(['FLAG_CONFLICT']));
  });

  it('migrates where a LABEL of the final stage (or of a stage it is built FROM, after the builder image) sets that key, whose value wins in both', () => {
    expect(codes('FROM app:build\nLABEL team=ops\nCOPY app /usr/local/bin/app\n', '--label team=core')).toEqual([['migrate']]);
    expect(codes('FROM app:build AS base\nLABEL "team"=ops other=x\nFROM base\nCOPY app /usr/local/bin/app\n', '--label team=core')).toEqual([['migrate']]);
    // another key, a key only known at build time, or a LABEL in a stage off the chain
    expect(codes('FROM app:build\nLABEL Team=ops\nCOPY app /usr/local/bin/app\n', '--label team=core')).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(codes('FROM app:build\nARG K=team\nLABEL $K=ops\nCOPY app /usr/local/bin/app\n', '--label team=core')).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(codes('FROM alpine:3.19 AS other\nLABEL team=ops\nFROM app:build\nCOPY app /usr/local/bin/app\n', '--label team=core')).toEqual([['refused', 'FLAG_CONFLICT']]);
  });
});

