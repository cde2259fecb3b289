/**
 * A caller of a setup's script (another script, a Makefile recipe) that uses what the old
 * script left on the host after running it: the extracted binary, the folder holding it, the
 * extraction's container (src/plan/caller-uses.ts). The migrated script must still leave the
 * binary there, or the setup is refused; the caller would fail otherwise.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { planDir, planFiles } from '../support/plan.js';

const FILES = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/relay .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY relay /usr/local/bin/relay\nCMD ["relay"]\n',
  'main.go': 'package main\n',
  'build.sh': ['#!/bin/sh', 'set -e', 'docker build -t relay:build -f Dockerfile.build .', 'docker create --name relay-x relay:build', 'docker cp relay-x:/out/relay ./relay', 'docker rm relay-x', 'docker build -t relay:latest .', ''].join('\n'),
};

function outcome(extra: Record<string, string>, build = FILES['build.sh']) {
  const plan = planFiles({ ...FILES, 'build.sh': build, ...extra });
  const setup = plan.setups[0]!;
  const written = plan.changes.find((c) => c.path === 'build.sh')?.after ?? '';
  return {
    status: setup.status,
    exported: written.includes('--target export --output type=local,dest=.'),
    why: setup.notes.find((n) => n.startsWith('relay is still needed on the host')) ?? null,
    errors: setup.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.file}:${d.line}`),
  };
}

describe('what a caller does after running the setup\'s script', () => {
  it('keeps the binary on the host for a caller that runs it, saying which call', () => {
    const r = outcome({ 'ci.sh': '#!/bin/sh\nset -e\nsh build.sh\n./relay --selftest\n' });
    expect(r).toMatchObject({ status: 'migrate', exported: true });
    expect(r.why).toContain('`./relay --selftest` (ci.sh:4) uses it after running build.sh (ci.sh:3)');
  });

  it('keeps it for a CI step after a step that runs a script calling the setup\'s script', () => {
    const workflow = (after: string) => ({ 'ci.sh': '#!/bin/sh\nset -e\n./build.sh\n', '.github/workflows/ci.yml': ['on: push', 'jobs:', '  b:', '    runs-on: ubuntu-latest', '    steps:', '      - uses: actions/checkout@v4', '      - run: ./ci.sh', `      - run: ${after}`, ''].join('\n') });
    const r = outcome(workflow('sha256sum relay'));
    expect(r).toMatchObject({ status: 'migrate', exported: true });
    expect(r.why).toContain('`sha256sum relay` (.github/workflows/ci.yml:8) uses it after running build.sh (.github/workflows/ci.yml:7)');
    expect(outcome(workflow('docker push relay:latest'))).toMatchObject({ status: 'migrate', exported: false });
    // however many scripts lie between the step and the setup's script (c.sh, b.sh, a.sh, ci.sh, build.sh)
    const chain = { ...workflow('sha256sum relay'), 'a.sh': '#!/bin/sh\n./ci.sh\n', 'b.sh': '#!/bin/sh\n./a.sh\n', 'c.sh': '#!/bin/sh\n./b.sh\n' };
    chain['.github/workflows/ci.yml'] = chain['.github/workflows/ci.yml'].replace('run: ./ci.sh', 'run: ./c.sh');
    expect(outcome(chain)).toMatchObject({ status: 'migrate', exported: true });
  });

  it('keeps it for a Makefile recipe that packs the folder holding it', () => {
    const r = outcome({ Makefile: 'release:\n\t./build.sh\n\ttar czf rel.tgz .\n' });
    expect(r.exported).toBe(true);
    expect(r.why).toContain('`tar czf rel.tgz .` (Makefile:3) reads the folder holding it after running build.sh (Makefile:2)');
  });

  it('refuses a caller that removes the extraction\'s container the migration no longer makes', () => {
    const r = outcome({ 'ci.sh': '#!/bin/sh\nset -e\nsh build.sh\ndocker rm relay-x\n' });
    expect(r.status).toBe('refused');
    expect(r.errors).toEqual(['REMOVED_NAME_USED ci.sh:4']);
  });

  it('refuses a caller that removes the container after it used the binary and ran something else', () => {
    const leaves = FILES['build.sh'].replace('docker rm relay-x\n', '');
    const r = outcome({ 'ci.sh': '#!/bin/sh\nset -e\nsh build.sh\n./relay --selftest\necho done\ndocker rm relay-x\n' }, leaves);
    expect(r.status).toBe('refused');
    expect(r.errors).toEqual(['REMOVED_NAME_USED ci.sh:6']);
  });

  it('lets the binary go for a caller whose only use is a removal that cannot fail, or that uses nothing of it', () => {
    expect(outcome({ 'ci.sh': '#!/bin/sh\nset -e\nsh build.sh\nrm -f relay\n' })).toMatchObject({ status: 'migrate', exported: false, why: null });
    expect(outcome({ 'ci.sh': '#!/bin/sh\nset -e\nsh build.sh\necho built\n' })).toMatchObject({ status: 'migrate', exported: false, why: null });
  });

  it('lets it go when the script removes the binary itself before the caller goes on', () => {
    const removing = `${FILES['build.sh']}rm ./relay\n`;
    expect(outcome({ 'ci.sh': '#!/bin/sh\nsh build.sh\n./relay --selftest || true\n' }, removing)).toMatchObject({ status: 'migrate', exported: false, why: null });
  });

  it('keeps it for a caller that runs a program the tool does not model from the folder holding it, as the script\'s own later commands do', () => {
    const r = outcome({ 'ci/release.sh': '#!/bin/sh\nset -e\ncd ..\nsh build.sh\npython3 ci/upload.py\n', 'ci/upload.py': 'print(open("relay", "rb").read()[:4])\n' });
    expect(r).toMatchObject({ status: 'migrate', exported: true });
    expect(r.why).toContain('`python3 ci/upload.py` (ci/release.sh:5) runs a program the tool does not model from the repository root, which holds it, and may read it after running build.sh (ci/release.sh:4)');
  });

  it('reads through a script the caller runs after it, and lets the binary go for a program run from a folder that does not reach it', () => {
    const r = outcome({ 'ci.sh': '#!/bin/sh\nset -e\nsh build.sh\nsh tools/sum.sh\n', 'tools/sum.sh': '#!/bin/sh\nsha256sum relay > relay.sha256\n' });
    expect(r.exported).toBe(true);
    expect(r.why).toContain('in tools/sum.sh, which `sh tools/sum.sh` (ci.sh:4) runs');
    expect(outcome({ 'ci.sh': '#!/bin/sh\nset -e\nsh build.sh\n(cd docs && python3 render.py)\n' })).toMatchObject({ status: 'migrate', exported: false, why: null });
  });

  it('keeps it for a neighbour whose command is a program only known at run time, which may run the script and use it (a Makefile recipe `$(RELEASE)`)', () => {
    const r = outcome({ Makefile: 'RELEASE = ./build.sh && tar czf rel.tgz relay\n.PHONY: release\nrelease:\n\t$(RELEASE)\n' });
    expect(r).toMatchObject({ status: 'migrate', exported: true });
    expect(r.why).toContain('`${RELEASE}` (Makefile:4) runs a program only known at run time, which may use it, in Makefile');
    expect(outcome({ 'other.sh': '#!/bin/sh\nset -e\n"$TOOL" pack .\n' }).why).toContain('`"$TOOL" pack .` (other.sh:3) runs a program only known at run time (`"$TOOL"`)');
    expect(outcome({ Makefile: 'NAME = release\n.PHONY: release\nrelease:\n\techo $(NAME)\n' })).toMatchObject({ exported: false, why: null });
  });

  it('keeps it for the script\'s own later run of the binary', () => {
    const r = outcome({}, `${FILES['build.sh']}./relay --version\n`);
    expect(r.exported).toBe(true);
    expect(r.why).toContain('`./relay --version` (build.sh:8) uses it');
  });
});

describe('the other entries of a Makefile or package.json that holds the setup', () => {
  const IMAGE = 'image:\n\tdocker build -t relay:build -f Dockerfile.build .\n\tdocker create --name relay-x relay:build\n\tdocker cp relay-x:/out/relay ./relay\n\tdocker rm relay-x\n\tdocker build -t relay:latest .\n';
  const make = (rest: string, image = IMAGE) => {
    const { 'build.sh': _script, ...sources } = FILES;
    const plan = planFiles({ ...sources, Makefile: `${image}\n${rest}` });
    const setup = plan.setups[0]!;
    const written = plan.changes.find((c) => c.path === 'Makefile')?.after ?? '';
    return {
      status: setup.status,
      exported: written.includes('\tdocker build --target export --output type=local,dest=. -f Dockerfile .\n'),
      why: setup.notes.find((n) => n.startsWith('relay is still needed on the host')) ?? null,
      errors: setup.diagnostics.filter((d) => d.severity === 'error').map((d) => ({ code: d.code, line: d.line, message: d.message })),
    };
  };
  it('a target that runs or packs the binary the image target left (`make image smoke`) keeps it there: the export build takes the extraction\'s recipe line', () => {
    for (const recipe of ['smoke:\n\t./relay --selftest\n', 'release:\n\ttar czf relay.tgz relay\n', 'sums:\n\tsha256sum * > SUMS\n']) {
      const r = make(recipe);
      expect(r.errors, recipe).toEqual([]);
      expect(r.exported, recipe).toBe(true);
      expect(r.why, recipe).toContain(`of Makefile, which may run after \`image\``);
    }
  });
  it('a target that appends to the binary the image target left keeps it there (without it, the stamp alone would be written); one that overwrites it does not', () => {
    const r = make('stamp:\n\techo "# stamped" >> relay\n');
    expect(r.errors).toEqual([]);
    expect(r.exported).toBe(true);
    expect(r.why).toContain('appends to it, in `stamp` of Makefile');
    const over = make('stamp:\n\techo "# stamped" > relay\n');
    expect([over.status, over.exported]).toEqual(['migrate', false]);
  });
  it('a target that names the extraction\'s container the image target left refuses', () => {
    const r = make('clean:\n\tdocker rm -f relay-x\n', IMAGE.replace('\tdocker rm relay-x\n', ''));
    expect(r.errors).toEqual([expect.objectContaining({ code: 'REMOVED_NAME_USED', line: 8 })]);
  });
  it('a target that only removes or writes that path, or an image target that removes the binary itself, migrates', () => {
    expect(make('clean:\n\trm -f relay\n').status).toBe('migrate');
    expect(make('local:\n\tmkdir -p out && go build -o out/relay .\n\nvet:\n\tgo vet ./...\n').status).toBe('migrate');
    // A target that writes the binary over (where the reading sees a use): it gets the file written there all the same.
    expect(make('local:\n\tgo build -o relay .\n')).toMatchObject({ status: 'migrate', exported: true });
    expect(make('smoke:\n\t./relay --selftest\n', `${IMAGE}\trm -f relay\n`).status).toBe('migrate');
  });
  it('an npm script that writes into the extracted folder on its own migrates; one that reads the folder gets the export build', () => {
    const pkg = (scripts: Record<string, string>) => {
      const { 'build.sh': _script, ...sources } = FILES;
      const image = 'docker build -t relay:build -f Dockerfile.build . && docker create --name relay-x relay:build && docker cp relay-x:/out/relay ./dist && docker rm relay-x && docker build -t relay:latest .';
      const plan = planFiles({ ...sources, Dockerfile: 'FROM alpine:3.19\nCOPY dist /usr/local/bin/relay\n', 'package.json': JSON.stringify({ name: 'relay', scripts: { image, ...scripts } }, null, 2) });
      return plan.setups[0]!;
    };
    expect(pkg({ build: 'mkdir -p dist && cp -r src/. dist/' }).status).toBe('migrate');
    const read = pkg({ pack: 'tar czf relay.tgz dist' });
    expect(read.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(read.notes.find((n) => n.startsWith('dist is still needed on the host'))).toContain('`pack` of package.json');
  });
});

describe('a later build of another image from the context the binary was left in', () => {
  const DEBUG = { 'Dockerfile.debug': 'FROM busybox:latest\nCOPY relay /debug/relay\n' };

  it('by a caller of the script keeps the binary on the host, naming the COPY that reads it', () => {
    const r = outcome({ ...DEBUG, 'ci.sh': '#!/bin/sh\nset -e\nsh build.sh\ndocker build -f Dockerfile.debug -t relay:debug .\n' });
    expect(r).toMatchObject({ status: 'migrate', exported: true, errors: [] });
    expect(r.why).toContain('`docker build -f Dockerfile.debug -t relay:debug .` (ci.sh:4) builds from it: `COPY relay` (Dockerfile.debug:2) reads relay after running build.sh (ci.sh:3)');
  });

  it('by a Makefile target after the one that runs the script keeps it too', () => {
    const r = outcome({ ...DEBUG, Makefile: 'image:\n\t./build.sh\n\ndebug: image\n\tdocker build -f Dockerfile.debug -t relay:debug .\n' });
    expect(r).toMatchObject({ status: 'migrate', exported: true });
  });

  it('does not count a build that copies other files, or another build of the runtime Dockerfile', () => {
    for (const build of ['docker build -f Dockerfile.lint -t relay:lint .', 'docker build -t relay:again .']) {
      const r = outcome({ 'Dockerfile.lint': 'FROM busybox:latest\nCOPY main.go /src/\n', 'ci.sh': `#!/bin/sh\nset -e\nsh build.sh\n${build}\n` });
      expect([build, r.status, r.exported]).toEqual([build, 'migrate', false]);
    }
  });
});

describe('scripts beside the setup\'s script, and the scripts it runs itself', () => {
  it('keeps the binary for a script the setup\'s script runs after the build, read from the folder of the call', () => {
    const build = FILES['build.sh'] + 'sh scripts/package.sh\n';
    const r = outcome({ 'scripts/package.sh': '#!/bin/sh\nset -e\ntar czf release.tgz relay\n' }, build);
    expect(r).toMatchObject({ status: 'migrate', exported: true, errors: [] });
    expect(r.why).toContain('`tar czf release.tgz relay` (scripts/package.sh:3) uses it, in scripts/package.sh, which `sh scripts/package.sh` (build.sh:8) runs');
  });

  it('keeps it for a script beside it, run by hand after it, that builds from it or runs it', () => {
    const debug = outcome({ 'Dockerfile.debug': 'FROM busybox:latest\nCOPY relay /debug/relay\n', 'debug.sh': '#!/bin/sh\ndocker build -f Dockerfile.debug -t relay:debug .\n' });
    expect(debug).toMatchObject({ status: 'migrate', exported: true });
    expect(debug.why).toContain('in debug.sh, which may be run after build.sh left it there');
    expect(outcome({ 'run.sh': '#!/bin/sh\ndocker ps\n./relay --listen :8080\n' }).exported).toBe(true);
    // One that says no docker at all is a file the walk passes over: read from disk, as the CLI does.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-neighbour-'));
    try {
      for (const [rel, text] of Object.entries({ ...FILES, 'start.sh': '#!/bin/sh\nexec ./relay --listen :8080\n' })) fs.writeFileSync(path.join(dir, rel), text);
      const setup = planDir(dir).setups[0]!;
      expect(setup.status).toBe('migrate');
      expect(setup.notes.find((n) => n.startsWith('relay is still needed on the host'))).toContain('`exec ./relay --listen :8080` (start.sh:2) runs it, in start.sh, which may be run after build.sh left it there');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not count a script that only removes it, one that runs none of it, or one in another folder naming another binary', () => {
    for (const extra of [{ 'clean.sh': '#!/bin/sh\ndocker ps\nrm -f relay\n' }, { 'lint.sh': '#!/bin/sh\ndocker ps\ngo vet ./...\n' }, { 'tools/run.sh': '#!/bin/sh\ndocker ps\n./relayd\n' }] as Record<string, string>[]) {
      const r = outcome(extra);
      expect([Object.keys(extra)[0], r.status, r.exported]).toEqual([Object.keys(extra)[0], 'migrate', false]);
    }
    // Run from the root, tools/run.sh's `./relay` is the binary (src/plan/far-uses.ts).
    expect(outcome({ 'tools/run.sh': '#!/bin/sh\ndocker ps\n./relay\n' }).exported).toBe(true);
  });
});

describe('a CI job that runs the setup\'s script, then a key or step that takes files from its folder', () => {
  const job = (steps: string, jobs = '') => ({ '.github/workflows/release.yml': `on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: sh build.sh\n${steps}${jobs}` });

  it('keeps the binary on the host for an upload of it, saying which step', () => {
    const r = outcome(job('      - uses: actions/upload-artifact@v4\n        with:\n          name: relay\n          path: relay\n'));
    expect(r).toMatchObject({ status: 'migrate', exported: true, errors: [] });
    expect(r.why).toContain('(.github/workflows/release.yml:11) reads relay after running build.sh (.github/workflows/release.yml:7)');
  });

  it('keeps it for a read of the whole checkout, as for a caller that packs it', () => {
    const r = outcome(job('      - uses: actions/upload-artifact@v4\n        with:\n          path: .\n'));
    expect(r).toMatchObject({ status: 'migrate', exported: true, errors: [] });
    expect(r.why).toContain('(.github/workflows/release.yml:10) reads the whole checkout after running build.sh');
  });

  it('does not count a read of another job, nor of a binary the script removes itself', () => {
    const other = '  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/upload-artifact@v4\n        with:\n          path: relay\n';
    expect(outcome(job('      - run: echo done\n', other))).toMatchObject({ status: 'migrate', exported: false, errors: [] });
    const removes = `${FILES['build.sh']}rm -f relay\n`;
    expect(outcome(job('      - uses: actions/upload-artifact@v4\n        with:\n          path: relay\n'), removes)).toMatchObject({ status: 'migrate', exported: false, errors: [] });
  });
});

describe('a script or CI step that runs make or npm, where the setup is a Makefile target or an npm script', () => {
  const MAKE = {
    'Dockerfile.build': FILES['Dockerfile.build'],
    Dockerfile: FILES.Dockerfile,
    'main.go': FILES['main.go'],
    Makefile: 'image:\n\tdocker build -t relay:build -f Dockerfile.build .\n\tdocker create --name relay-x relay:build\n\tdocker cp relay-x:/out/relay ./relay\n\tdocker rm relay-x\n\tdocker build -t relay:latest .\n',
  };
  const NPM = {
    ...MAKE,
    Makefile: undefined,
    'package.json': JSON.stringify({ name: 'relay', private: true, scripts: { image: 'docker build -t relay:build -f Dockerfile.build . && docker create --name relay-x relay:build && docker cp relay-x:/out/relay ./relay && docker rm relay-x && docker build -t relay:latest .' } }, null, 2),
  };
  const kept = (files: Record<string, string | undefined>) => {
    const plan = planFiles(Object.fromEntries(Object.entries(files).filter((e): e is [string, string] => e[1] !== undefined)));
    const setup = plan.setups[0]!;
    return { status: setup.status, why: setup.notes.find((n) => n.startsWith('relay is still needed on the host')) ?? null };
  };

  it('keeps the binary for a CI job that runs the target, then uploads it', () => {
    const r = kept({ ...MAKE, '.github/workflows/release.yml': 'on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: make image\n      - run: docker push relay:latest\n      - uses: actions/upload-artifact@v4\n        with:\n          path: relay\n' });
    expect(r.status).toBe('migrate');
    expect(r.why).toContain('reads relay after running Makefile (.github/workflows/release.yml:7)');
  });

  it('keeps it for a script that runs the npm script from the package\'s folder or below, then packs the root', () => {
    for (const [cd, root] of [['cd "$(dirname "$0")/.."', '.'], ['cd "$(dirname "$0")"', '..']]) {
      const r = kept({ ...NPM, 'ci/release.sh': `#!/bin/sh\nset -e\n${cd}\nnpm run image\ndocker push relay:latest\ntar czf /tmp/rel.tgz ${root}\n` });
      expect(r.why, cd).toContain('after running package.json (ci/release.sh:4)');
    }
  });

  it('counts npm run from the package\'s folder or one below it, not from a sibling folder whose name it starts', () => {
    const inSvc = Object.fromEntries(Object.entries(NPM).flatMap(([k, v]) => (v === undefined ? [] : [[`svc/${k}`, v]])));
    // Each script packs the package's folder, which holds the binary.
    const from = (dir: string, svc: string) => {
      const plan = planFiles({ ...inSvc, [`${dir}/release.sh`]: `#!/bin/sh\nset -e\ncd "$(dirname "$0")"\nnpm run image\ndocker push relay:latest\ntar czf /tmp/rel.tgz ${svc}\n` });
      return { why: plan.setups[0]!.notes.find((n) => n.startsWith('svc/relay is still needed on the host')) ?? null };
    };
    expect(from('svc/web', '..').why).toContain('after running svc/package.json (svc/web/release.sh:4)');
    expect(from('svc', '.').why).toContain('after running svc/package.json (svc/release.sh:4)');
    expect(from('svc2', '../svc').why ?? '').not.toContain('after running');
    expect(from('web', '../svc').why ?? '').not.toContain('after running');
  });

  it('does not count make run from another folder, unless an option may send it here', () => {
    const other = (call: string) => kept({ ...MAKE, 'web/release.sh': `#!/bin/sh\nset -e\ncd "$(dirname "$0")"\n${call}\ndocker push web:latest\ntar czf /tmp/rel.tgz ..\n` });
    expect(other('make image').why).toBeNull();
    expect(other('make -C .. image').why).toContain('after running Makefile (web/release.sh:4)');
  });
  it('refuses a setup a CI job runs when a part of that job is not read (a template from an include), and only for that job', () => {
    const gitlab = (extendsLine: string) => `build:\n${extendsLine}  script:\n    - sh build.sh\n    - echo done\nother:\n  extends: .elsewhere\n  script:\n    - echo other\n`;
    const r = outcome({ '.gitlab-ci.yml': gitlab('  extends: .from-an-include\n') });
    expect(r.status).toBe('refused');
    expect(r.errors).toEqual(['SHELL_NOT_READ .gitlab-ci.yml:2']);
    const plan = planFiles({ ...FILES, '.gitlab-ci.yml': gitlab('  extends: .from-an-include\n') });
    expect(plan.setups[0]!.diagnostics.find((d) => d.severity === 'error')!.message).toContain('the job runs build.sh (.gitlab-ci.yml:4)');
    // The call is named whatever the script's path holds (a space here).
    const { 'build.sh': script, ...rest } = FILES;
    const spaced = planFiles({ ...rest, 'my build.sh': script, '.gitlab-ci.yml': 'build:\n  extends: .from-an-include\n  script:\n    - sh "my build.sh"\n' });
    expect(spaced.setups[0]!.diagnostics.find((d) => d.severity === 'error')!.message).toMatch(/; the job runs my build\.sh \(\.gitlab-ci\.yml:4\)$/);
    // The job that runs it is read whole; another job's unknown template does not concern it.
    expect(outcome({ '.gitlab-ci.yml': gitlab('') })).toMatchObject({ status: 'migrate', errors: [] });
  });

  it('refuses a setup a GitHub job runs beside a step that runs docker in a shell the tool does not read', () => {
    const job = (steps: string[]) => `on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n${steps.join('')}`;
    const pwsh = '      - shell: python\n        run: import subprocess; subprocess.run(["docker", "rmi", "relay:build"], check=True)\n';
    const call = '      - run: sh build.sh\n';
    expect(outcome({ '.github/workflows/image.yml': job([call, pwsh]) })).toMatchObject({ status: 'refused', errors: ['SHELL_NOT_READ .github/workflows/image.yml:7'] });
    // A Python step without docker is a program the tool does not model: after the call it may read the binary, which stays on the host.
    const py = '      - shell: python\n        run: print(open("relay", "rb").read()[:4])\n';
    expect(outcome({ '.github/workflows/image.yml': job([call, py]) })).toMatchObject({ status: 'migrate', exported: true, errors: [] });
  });
});

describe('a Makefile the tool cannot read whole, which may run the script and use what it left', () => {
  it('searches a Makefile with `$(eval …)` as an unread file: its rules from a `define` may use the binary', () => {
    const makefile = 'define RELEASE_RULE\nrelease:\n\t./build.sh\n\ttar czf rel.tgz relay\nendef\n$(eval $(RELEASE_RULE))\n';
    const r = outcome({ Makefile: makefile });
    expect(r).toMatchObject({ status: 'migrate', exported: true });
    expect(r.why).toContain('Makefile:4 names relay, in Makefile, whose `$(eval …)` (line 6) makes rules the tool does not read, which may run anything');
    // The same file without the eval makes no rule of that text.
    expect(outcome({ Makefile: makefile.replace('$(eval $(RELEASE_RULE))\n', '.PHONY: all\nall:\n\techo done\n') })).toMatchObject({ exported: false, why: null });
  });

  it('does not read a Makefile that sets .RECIPEPREFIX: it is searched as a file the tool could not read, and a setup in it is named', () => {
    const r = outcome({ Makefile: '.RECIPEPREFIX = >\n.PHONY: release\nrelease:\n> ./build.sh\n> tar czf rel.tgz relay\n' });
    expect(r).toMatchObject({ status: 'migrate', exported: true });
    expect(r.why).toContain('Makefile:5 names relay, in Makefile, which the tool could not read (see its SHELL_PARSE_ERROR)');
    const steps = FILES['build.sh'].split('\n').slice(2, -1).map((l) => `> ${l}`);
    const plan = planFiles({ ...FILES, 'build.sh': '#!/bin/sh\necho no setup here\n', Makefile: ['.RECIPEPREFIX = >', '.PHONY: image', 'image:', ...steps, ''].join('\n') });
    expect(plan.setups).toEqual([]);
    expect(plan.diagnostics.filter((d) => d.code === 'SHELL_PARSE_ERROR').map((d) => `${d.file}:${d.line} ${d.message}`)).toEqual(['Makefile:1 Makefile sets .RECIPEPREFIX (line 1), so its recipe lines start with another character than a tab, which the tool does not read; it was not analysed']);
  });
});

describe('a Make expansion the reader does not model, in messages', () => {
  it('is shown as the Makefile writes it, not as the name the shell reads in its place', () => {
    const { 'build.sh': _s, ...sources } = FILES;
    const image = 'image:\n\tdocker build -t relay:build -f Dockerfile.build .\n\tdocker create --name relay-x relay:build\n\tdocker cp relay-x:/out/relay ./relay\n\tdocker rm relay-x\n\tdocker build -t relay:latest .\n';
    const plan = planFiles({ ...sources, Makefile: `.PHONY: image release\n${image}\nrelease:\n\ttar czf rel.tgz $(strip relay)\n` });
    const why = plan.setups[0]!.notes.find((n) => n.startsWith('relay is still needed on the host'))!;
    expect(why).toContain('`tar czf rel.tgz $(strip relay)` (Makefile:10) reads $(strip relay), a path only known at run time');
    expect(why).not.toContain('__make_expansion');
  });
});
