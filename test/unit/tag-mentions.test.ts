/**
 * A builder image used by its tag outside the setup's own steps keeps its build (as
 * `--target` of the merged Dockerfile): src/plan/tag-mentions.ts for other files and commands
 * that are not docker's, src/analyze/unknown-image.ts for a later docker command naming an
 * image only known at run time. Without that, the migrated repository would run a test script,
 * a scanner or a later build against an image no longer built.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const BUILD = '#!/bin/sh\nset -e\ndocker build -t acme/app:build -f Dockerfile.build .\ndocker create --name x acme/app:build\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build -t acme/app:latest .\nrm -f app\n';
const SETUP = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n',
  'main.go': 'package main\n\nfunc main() {}\n',
  'build.sh': BUILD,
};
const KEPT = 'docker build --target builder -t acme/app:build -f Dockerfile .\n';

function outcome(extra: Record<string, string>) {
  const plan = planFiles({ ...SETUP, ...extra });
  const setup = plan.setups[0]!;
  const script = plan.changes.find((c) => c.path === 'build.sh')?.after ?? null;
  return {
    status: setup.status,
    kept: script?.includes(KEPT) ?? false,
    note: setup.notes.find((n) => n.startsWith('the builder build stays')) ?? null,
    codes: setup.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code),
    script,
  };
}

describe('a builder tag used outside the setup', () => {
  it('lets the builder build go when nothing else names the tag', () => {
    const r = outcome({});
    expect(r).toMatchObject({ status: 'migrate', kept: false, note: null });
  });

  it('keeps the builder build for another script that runs the image, saying where', () => {
    const r = outcome({ 'test.sh': '#!/bin/sh\ndocker run --rm acme/app:build go test ./...\n' });
    expect(r.status).toBe('migrate');
    expect(r.kept).toBe(true);
    expect(r.note).toBe('the builder build stays as `--target builder` of Dockerfile, because its image acme/app:build is still used by `docker run --rm acme/app:build go test ./...` (test.sh:2)');
  });

  it('keeps it for a Makefile recipe, a CI step and a Dockerfile FROM another build reads', () => {
    expect(outcome({ Makefile: 'test:\n\tdocker run --rm acme/app:build go vet ./...\n' }).kept).toBe(true);
    expect(outcome({ '.github/workflows/ci.yml': 'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./build.sh\n      - run: docker run --rm acme/app:build go test ./...\n' }).kept).toBe(true);
    const from = outcome({ 'Dockerfile.test': 'FROM acme/app:build\nRUN go vet ./...\n', 'test.sh': '#!/bin/sh\ndocker build -f Dockerfile.test -t app-vet .\n' });
    expect(from.kept).toBe(true);
    expect(from.note).toContain('is still used by `FROM acme/app:build` (Dockerfile.test:1)');
  });

  it('reads a script by its words\' values: a variable counts where it is used, not where it is set', () => {
    expect(outcome({ 'test.sh': '#!/bin/sh\nN=acme/app\ndocker run --rm "$N:build" go test ./...\n' }).kept).toBe(true);
    const viaVariable = '#!/bin/sh\nset -e\nB=acme/app:build\ndocker build -t "$B" -f Dockerfile.build .\ndocker create --name x "$B"\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build -t acme/app:latest .\nrm -f app\n';
    expect(outcome({ 'build.sh': viaVariable }).kept).toBe(false);
    const make = 'B := acme/app:build\nimage:\n\tdocker build -t $(B) -f Dockerfile.build .\n\tdocker create --name x $(B)\n\tdocker cp x:/out/app ./app\n\tdocker rm x\n\tdocker build -t acme/app:latest .\n';
    const r = planFiles({ ...SETUP, 'build.sh': '#!/bin/sh\necho nothing here\n', Makefile: make });
    expect(r.setups.map((x) => x.status)).toEqual(['migrate']);
    expect(r.setups[0]!.notes.some((n) => n.startsWith('the builder build stays'))).toBe(false);
  });

  it('counts a CI job that runs in the image (`image:`), outside the commands read', () => {
    const r = outcome({ '.gitlab-ci.yml': 'build:\n  script:\n    - ./build.sh\ntest:\n  image: acme/app:build\n  script:\n    - go test ./...\n' });
    expect(r.kept).toBe(true);
    expect(r.note).toContain('is still used by `image: acme/app:build` (.gitlab-ci.yml:5)');
  });

  it('keeps it for a program of the same script handed the tag, and for the tag written to a file', () => {
    expect(outcome({ 'build.sh': `${BUILD}trivy image acme/app:build\n` }).kept).toBe(true);
    expect(outcome({ 'build.sh': `${BUILD}echo "IMAGE=acme/app:build" >> "$GITHUB_ENV"\n` }).kept).toBe(true);
    expect(outcome({ 'build.sh': `${BUILD}skopeo copy docker-daemon:acme/app:build oci:out\n` }).kept).toBe(true);
  });

  it('keeps it for a docker command after the build naming an image only known at run time', () => {
    const r = outcome({ 'build.sh': `${BUILD}docker run --rm "$CHECK_IMAGE" go vet ./...\n` });
    expect(r.kept).toBe(true);
    expect(r.note).toBe('the builder build stays as `--target builder` of Dockerfile, because its image acme/app:build may still be used by `docker run --rm "$CHECK_IMAGE" go vet ./...` (build.sh:9), which names an image only known at run time');
  });

  it('lets it go for a run-time name that is plainly another image', () => {
    // The very expansion the final build tags, one a `docker tag` makes, one no spelling of the tag starts with.
    const own = BUILD.replace('-t acme/app:latest', '-t "$IMAGE"');
    expect(outcome({ 'build.sh': `${own}docker push "$IMAGE"\n` }).kept).toBe(false);
    expect(outcome({ 'build.sh': `${BUILD}docker tag acme/app:latest "$REGISTRY/app:$VERSION"\ndocker push "$REGISTRY/app:$VERSION"\n` }).kept).toBe(false);
    expect(outcome({ 'build.sh': `${BUILD}docker push "registry.example.com/app:$VERSION"\n` }).kept).toBe(false);
  });

  it('does not count a printed name, a comment, a build that tags the name, or a longer name', () => {
    expect(outcome({ 'build.sh': `${BUILD}echo "built acme/app:build"\n` }).kept).toBe(false);
    expect(outcome({ 'test.sh': '#!/bin/sh\n# docker run --rm acme/app:build go test ./...\ndocker version\n' }).kept).toBe(false);
    expect(outcome({ 'again.sh': '#!/bin/sh\ndocker build -t acme/app:build -f Dockerfile.build .\n' }).kept).toBe(false);
    expect(outcome({ 'test.sh': '#!/bin/sh\ndocker run --rm acme/app:build-2 go test ./...\ndocker run --rm acme/myapp:build true\n' }).kept).toBe(false);
  });

  it('keeps the docker rmi of the image after the final build when the build stays', () => {
    const r = outcome({ 'build.sh': `${BUILD}docker rmi acme/app:build\n`, 'test.sh': '#!/bin/sh\ndocker run --rm acme/app:build go test ./...\n' });
    expect(r.kept).toBe(true);
    expect(r.script).toContain('docker rmi acme/app:build\n');
  });

  it('lets a FROM of the tag in the runtime Dockerfile become the stage, but counts an ARG default there', () => {
    expect(outcome({ Dockerfile: 'FROM acme/app:build AS dev\nFROM alpine:3.19\nCOPY app /usr/local/bin/app\n' }).kept).toBe(false);
    expect(outcome({ Dockerfile: 'ARG DEV=acme/app:build\nFROM $DEV AS dev\nFROM alpine:3.19\nCOPY app /usr/local/bin/app\n' }).kept).toBe(true);
  });

  it('sees a use in another part of the root: a setup in another folder whose script runs this builder\'s image', () => {
    const svc = (name: string, extra = '') => ({
      [`${name}/Dockerfile.build`]: SETUP['Dockerfile.build'],
      [`${name}/Dockerfile`]: SETUP.Dockerfile,
      [`${name}/main.go`]: SETUP['main.go'],
      [`${name}/build.sh`]: `#!/bin/sh\nset -e\ncd "$(dirname "$0")"\ndocker build -t ${name}:build -f Dockerfile.build .\ndocker create --name ${name}-x ${name}:build\ndocker cp ${name}-x:/out/app ./app\ndocker rm ${name}-x\ndocker build -t ${name}:latest .\nrm -f app\n${extra}`,
    });
    const plan = planFiles({ ...svc('alpha'), ...svc('beta', 'docker run --rm alpha:build go vet ./...\n') });
    const alpha = plan.setups.find((x) => x.script === 'alpha/build.sh')!;
    expect(alpha.status).toBe('migrate');
    expect(alpha.notes.find((n) => n.startsWith('the builder build stays'))).toContain('`docker run --rm alpha:build go vet ./...` (beta/build.sh:10)');
    expect(plan.setups.find((x) => x.script === 'beta/build.sh')!.notes.some((n) => n.startsWith('the builder build stays'))).toBe(false);
  });

  it('keeps a build tagged at run time as it is written, when another script uses the name it falls back to', () => {
    const dynamic = BUILD.replace('set -e\n', 'set -e\nTAG=${TAG:-app-build}\n').replaceAll('acme/app:build', '"$TAG"');
    const r = outcome({ 'build.sh': dynamic, 'test.sh': '#!/bin/sh\ndocker run --rm app-build go test ./...\n' });
    expect(r.status).toBe('migrate');
    expect(r.script).toContain('docker build --target builder -t "$TAG" -f Dockerfile .\n');
    expect(r.note).toContain('is still used by `docker run --rm app-build go test ./...` (test.sh:2)');
  });

  it('keeps a build whose run-time tag falls back to no name, whatever the other files say', () => {
    // `-t "$BUILDER"` set by the caller: a test script may run `docker run app-build …` with the
    // name the caller chose, and there is no name to search it by.
    const fromCaller = BUILD.replaceAll('acme/app:build', '"$BUILDER"');
    const r = outcome({ 'build.sh': fromCaller, 'test.sh': '#!/bin/sh\nBUILDER=app-build ./build.sh\ndocker run --rm app-build go test ./...\n' });
    expect(r.status).toBe('migrate');
    expect(r.script).toContain('docker build --target builder -t "$BUILDER" -f Dockerfile .\n');
    expect(r.script).not.toContain('docker cp');
    expect(r.note).toBe('the builder build stays as `--target builder` of Dockerfile, because its tag "$BUILDER" (build.sh:3) is only known at run time, with no name it falls back to: whatever chooses the name may use the image after the script, and there is no name to search the other files for');
    // Alone in the repository, too: whatever set $BUILDER is outside it.
    expect(outcome({ 'build.sh': fromCaller }).script).toContain('docker build --target builder -t "$BUILDER" -f Dockerfile .\n');
    // A tag with a static part and a run-time part (`app-build:$(git rev-parse …)`) is the same.
    const commit = BUILD.replace('set -e\n', 'set -e\nREV=$(git rev-parse --short HEAD)\n').replaceAll('acme/app:build', '"acme/app:build-$REV"');
    expect(outcome({ 'build.sh': commit }).script).toContain('docker build --target builder -t "acme/app:build-$REV" -f Dockerfile .\n');
  });

  it('lets that build go when the script itself removes the image after the final build', () => {
    const removed = BUILD.replaceAll('acme/app:build', '"$BUILDER"') + 'docker rmi "$BUILDER"\n';
    const r = outcome({ 'build.sh': removed });
    expect(r.status).toBe('migrate');
    expect(r.note).toBe(null);
    expect(r.script).not.toContain('docker build --target');
    expect(r.script).not.toContain('docker rmi');
  });

  it('searches a build\'s literal tag beside a run-time one', () => {
    const both = BUILD.replace('-t acme/app:build', '-t acme/app:build -t "${EXTRA:-acme/app:extra}"');
    const r = outcome({ 'build.sh': both, 'test.sh': '#!/bin/sh\ndocker run --rm acme/app:build go test ./...\n' });
    expect(r.status).toBe('migrate');
    expect(r.note).toContain('is still used by `docker run --rm acme/app:build go test ./...` (test.sh:2)');
  });
});

describe('a builder tag held in a JavaScript const', () => {
  const HEAD = "import { execSync, spawnSync } from 'node:child_process';\nimport fs from 'node:fs';\n";
  const CALLS = "execSync(`docker build -t ${builder} -f Dockerfile.build .`);\nspawnSync('docker', ['create', '--name', 'x', builder]);\nexecSync('docker cp x:/out/app ./app');\nexecSync('docker rm x');\nexecSync('docker build -t acme/app:latest .', { stdio: 'inherit' });\n";
  /** The setup's outcome with build.mjs (no build.sh) declaring the builder tag as `decl`, then `extra` after the calls. */
  function jsOutcome(decl: string, extra = '') {
    const { 'build.sh': _shell, ...rest } = SETUP;
    const plan = planFiles({ ...rest, 'build.mjs': `${HEAD}${decl}\n${CALLS}${extra}` });
    const setup = plan.setups[0]!;
    const script = plan.changes.find((c) => c.path === 'build.mjs')?.after ?? null;
    return { status: setup.status, note: setup.notes.find((n) => n.startsWith('the builder build stays')) ?? null, script };
  }

  it('is not used by its own declaration: the build goes when every read is a command read', () => {
    for (const decl of ["const builder = 'acme/app:build';", "const builder = process.env.BUILDER ?? 'acme/app:build';", "const builder = process.env.BUILDER || 'acme/app:build';"]) {
      const r = jsOutcome(decl);
      expect(r.status).toBe('migrate');
      expect(r.note).toBe(null);
      expect(r.script).not.toContain('docker build -t ${builder}');
      expect(r.script).not.toContain('--target');
    }
  });

  it('follows a const pasted into another, and a read that is only printed', () => {
    for (const [decl, extra] of [
      ["const image = 'acme/app:build';\nconst builder = `${image}`;", ''],
      ["const builder = 'acme/app:build';", "console.log(`built ${builder}`);\nconsole.info('built ' + builder);\n"],
    ]) {
      const r = jsOutcome(decl!, extra);
      expect(r.note).toBe(null);
      expect(r.script).not.toContain('--target');
    }
  });

  it('keeps it for a scan in single quotes of a const from the environment, naming the scan', () => {
    const r = jsOutcome("const builder = 'acme/app:build';", "const image = process.env.IMAGE ?? 'acme/app:build';\nexecSync(`trivy image '${image}'`);\n");
    expect(r.note).toMatch(/is still used by `trivy image ''"\$\{IMAGE-acme\/app:build\}"''` \(build\.mjs:\d+\)$/);
    expect(r.script).toContain('--target builder');
  });

  for (const [what, decl, extra] of [
    ['handed to another program', "const builder = 'acme/app:build';", "spawnSync('trivy', ['image', builder]);\n"],
    ['written to a file', "const builder = 'acme/app:build';", "fs.writeFileSync('builder.txt', builder);\n"],
    ['exported', "export const builder = 'acme/app:build';", ''],
    ['returned by a function', "const builder = 'acme/app:build';", "function imageOf() { return builder; }\nscan(imageOf());\n"],
    ['read in a call whose environment the reader does not know', "const builder = process.env.BUILDER ?? 'acme/app:build';", "execSync(`echo ${builder} > builder.txt`, { env: makeEnv() });\n"],
    ['pasted into a const handed to another program', "const builder = 'acme/app:build';", "const ref = `docker-daemon:${builder}`;\nspawnSync('skopeo', ['inspect', ref]);\n"],
  ] as const) {
    it(`is used when it is ${what}: the build stays`, () => {
      const r = jsOutcome(decl, extra);
      expect(r.status).toBe('migrate');
      expect(r.note).toMatch(/^the builder build stays as `--target builder` of Dockerfile, because its image .* is still used by `.*` \(build\.mjs:\d+\)$/);
      expect(r.script).toContain('--target builder');
    });
  }
});

describe('a docker rmi of the builder image that is not the setup\'s cleanup', () => {
  const IMAGE = 'image:\n\tdocker build -t acme/app:build -f Dockerfile.build .\n\tdocker create --name x acme/app:build\n\tdocker cp x:/out/app ./app\n\tdocker rm x\n\tdocker build -t acme/app:latest .\n\trm -f app\n';
  const make = (clean: string) => {
    const { 'build.sh': _script, ...sources } = SETUP;
    const plan = planFiles({ ...sources, Makefile: `${IMAGE}\nclean:\n\trm -f app\n\t${clean}\n` });
    const after = plan.changes.find((c) => c.path === 'Makefile')?.after ?? '';
    return { status: plan.setups[0]!.status, after, note: plan.setups[0]!.notes.find((n) => n.startsWith('the builder build stays')) ?? null };
  };
  it('in another Make target keeps the builder build: `make clean` would find no image to remove', () => {
    const r = make('docker rmi acme/app:build');
    expect(r.status).toBe('migrate');
    expect(r.after).toContain('image:\n\tdocker build --target builder -t acme/app:build -f Dockerfile .\n');
    expect(r.after).toContain('\tdocker rmi acme/app:build\n');
    expect(r.note).toContain('Makefile:11');
  });
  it('whose failure is ignored there is harmless: the build goes', () => {
    const r = make('docker rmi acme/app:build || true');
    expect(r.after).not.toContain('--target builder');
    expect(r.after).toContain('\tdocker rmi acme/app:build || true\n');
  });
  it('in the setup\'s own script, before the build or in a clean branch, goes with the build; one whose failure is ignored stays', () => {
    const first = outcome({ 'build.sh': BUILD.replace('set -e\n', 'set -e\ndocker rmi acme/app:build\n') });
    expect(first).toMatchObject({ status: 'migrate', kept: false });
    expect(first.script).toBe('#!/bin/sh\nset -e\ndocker build -t acme/app:latest .\n');
    const branch = outcome({ 'build.sh': BUILD.replace('set -e\n', 'set -e\nif [ "$1" = clean ]; then\n  docker rmi acme/app:build\n  exit 0\nfi\n') });
    expect(branch.script).toBe('#!/bin/sh\nset -e\nif [ "$1" = clean ]; then\n  exit 0\nfi\ndocker build -t acme/app:latest .\n');
    const tolerant = outcome({ 'build.sh': BUILD.replace('set -e\n', 'set -e\ndocker rmi acme/app:build 2>/dev/null || true\n') });
    expect(tolerant.script).toBe('#!/bin/sh\nset -e\ndocker rmi acme/app:build 2>/dev/null || true\ndocker build -t acme/app:latest .\n');
  });
});

describe('a builder tag the script exports to the programs it runs', () => {
  /** The builder build kept as written, its tag read from the variable. */
  const keeps = (r: { script: string | null }) => r.script?.includes('docker build --target builder -t "$B" -f Dockerfile .\n') ?? false;
  const exporting = (head: string, tail: string) => `#!/bin/sh\nset -e\n${head}docker build -t "$B" -f Dockerfile.build .\ndocker create --name x "$B"\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build -t acme/app:latest .\nrm -f app\n${tail}`;

  it('keeps the build for a later script run with the tag in its environment, saying how it gets there', () => {
    for (const head of ['export B=acme/app:build\n', 'B=acme/app:build\nexport B\n', 'set -a\nB=acme/app:build\n', 'set -eao pipefail\nB=acme/app:build\n', 'set -o allexport\nB=acme/app:build\n', 'declare -x B=acme/app:build\n']) {
      const r = outcome({ 'build.sh': exporting(head, 'sh ./test.sh\n'), 'test.sh': '#!/bin/sh\ndocker run --rm "$B" go test ./...\n' });
      expect([head, keeps(r)]).toEqual([head, true]);
      expect(r.note).toBe('the builder build stays as `--target builder` of Dockerfile, because its image acme/app:build may still be used by `sh ./test.sh` (build.sh:' + (head.split('\n').length + 8) + '), given B=acme/app:build in its environment');
    }
  });

  it('lets it go when nothing that may read the environment runs, the export is taken back, or the tag is not exported', () => {
    for (const [head, tail] of [['export B=acme/app:build\n', 'ls -la\ndate\n'], ['set -a\nset +a\nB=acme/app:build\n', 'sh ./test.sh\n'], ['B=acme/app:build\nexport OTHER=1\n', 'sh ./test.sh\n']] as const) {
      const r = outcome({ 'build.sh': exporting(head, tail) });
      expect([head, r.status, r.note, r.script?.includes('docker build')]).toEqual([head, 'migrate', null, true]);
      expect(r.script).not.toContain('Dockerfile.build');
    }
  });

  it('counts a docker command only where it hands the variable on by name, or reads the environment itself', () => {
    expect(keeps(outcome({ 'build.sh': exporting('export B=acme/app:build\n', 'docker run --rm -e B acme/app:latest app --check\n') }))).toBe(true);
    expect(keeps(outcome({ 'build.sh': exporting('export B=acme/app:build\n', 'docker compose run --rm tests\n') }))).toBe(true);
    const other = outcome({ 'build.sh': exporting('export B=acme/app:build\n', 'docker run --rm -e OTHER acme/app:latest app --check\ndocker push acme/app:latest\n') });
    expect([other.status, other.note]).toEqual(['migrate', null]);
  });

  it('reads Make\'s export directives: the variable is in every recipe\'s environment', () => {
    const make = (head: string) => `${head}\nimage:\n\tdocker build -t $(B) -f Dockerfile.build .\n\tdocker create --name x $(B)\n\tdocker cp x:/out/app ./app\n\tdocker rm x\n\tdocker build -t acme/app:latest .\n\ntest: image\n\t./test.sh\n`;
    const kept = (head: string) => planFiles({ ...SETUP, 'build.sh': '#!/bin/sh\necho nothing here\n', Makefile: make(head) }).changes.find((c) => c.path === 'Makefile')?.after?.includes('--target builder') ?? null;
    for (const head of ['export B := acme/app:build', 'B := acme/app:build\nexport B', 'B := acme/app:build\nexport', 'B := acme/app:build\n.EXPORT_ALL_VARIABLES:']) expect([head, kept(head)]).toEqual([head, true]);
    expect(kept('B := acme/app:build')).toBe(false);
    expect(kept('B := acme/app:build\nexport B\nunexport B')).toBe(false);
  });
});
