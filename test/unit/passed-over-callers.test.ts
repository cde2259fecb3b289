/**
 * A file the walk passes over (a Python script) that names a setup's script may run it and then
 * use what it left on the host (src/plan/passed-over-callers.ts): the artifact stays there
 * through an export stage, and a read of a file a removed command wrote refuses the setup.
 */
import { describe, expect, it } from 'vitest';
import { planDir } from '../support/plan.js';
import { writeTemp } from '../support/tree.js';

const SETUP = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/tally .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY tally /usr/local/bin/tally\nENTRYPOINT ["/usr/local/bin/tally"]\n',
  'main.go': 'package main\n\nfunc main() {}\n',
  'build.sh': '#!/bin/sh\nset -e\ndocker build -t tally:build -f Dockerfile.build . > build.log\ndocker create --name tally-extract tally:build\ndocker cp tally-extract:/out/tally ./tally\ndocker rm tally-extract\ndocker build -t tally:latest .\n',
};

function outcome(extra: Record<string, string>, setup = SETUP) {
  const plan = planDir(writeTemp({ ...setup, ...extra }));
  const s = plan.setups[0]!;
  return {
    status: s.status,
    errors: s.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.file}:${d.line}`),
    kept: s.notes.find((n) => n.startsWith('tally is still needed on the host')) ?? null,
  };
}

const py = (body: string) => ({ 'tools/release.py': `import shutil, subprocess\n${body}\n` });

describe('a passed-over file that names the setup\'s script', () => {
  it('does not count a naming in a Python comment', () => {
    expect(outcome(py('# run build.sh before this\nshutil.copy("tally", "release/tally")')).kept).toBeNull();
  });

  it('keeps the artifact on the host, saying where and why', () => {
    const r = outcome(py('subprocess.run(["sh", "build.sh"], check=True)\nshutil.copy("tally", "release/tally")'));
    expect(r.status).toBe('migrate');
    expect(r.kept).toContain('tools/release.py:2 names build.sh (`build.sh`), and the tool does not read that file: it may run build.sh and then read what it leaves');
  });

  it('counts a name after a value only known when it runs, and a path to it from the root or its own folder', () => {
    expect(outcome(py('for pkg in ["."]:\n    subprocess.run(["sh", f"{pkg}/build.sh"])')).kept).not.toBeNull();
    expect(outcome(py('subprocess.run(["sh", "../build.sh"], cwd="tools")')).kept).not.toBeNull();
    expect(outcome(py('subprocess.run(["./build.sh"])')).kept).not.toBeNull();
  });

  it('does not count another name, another folder\'s script of that name, or nothing left behind', () => {
    expect(outcome(py('subprocess.run(["sh", "prebuild.sh"])'))).toEqual({ status: 'migrate', errors: [], kept: null });
    expect(outcome(py('subprocess.run(["sh", "web/build.sh"])'))).toEqual({ status: 'migrate', errors: [], kept: null });
    // The script removes what it extracted: the caller never found it.
    const removing = { ...SETUP, 'build.sh': `${SETUP['build.sh']}rm -f tally\n` };
    expect(outcome(py('subprocess.run(["sh", "build.sh"])'), removing)).toEqual({ status: 'migrate', errors: [], kept: null });
  });

  it('does not count a Dockerfile or compose file naming it: it runs in a container (`RUN go build`, `RUN ./build.sh`)', () => {
    const named = { ...SETUP, build: SETUP['build.sh'], 'build.sh': undefined } as unknown as typeof SETUP;
    delete (named as Record<string, unknown>)['build.sh'];
    expect(outcome({}, named)).toEqual({ status: 'migrate', errors: [], kept: null });
    expect(outcome({ 'Dockerfile.test': 'FROM alpine\nCOPY build.sh /\nRUN sh /build.sh\n', 'compose.yaml': 'services:\n  ci:\n    command: ./build.sh\n' })).toEqual({ status: 'migrate', errors: [], kept: null });
  });

  it('refuses when it also names a file a removed command wrote', () => {
    const r = outcome(py('subprocess.run(["sh", "build.sh"])\nprint(open("build.log").read())'));
    expect(r.status).toBe('refused');
    expect(r.errors).toEqual(['REMOVED_OUTPUT_USED tools/release.py:2']);
  });
});

describe('a passed-over file that runs make, where the setup is in a Makefile', () => {
  const MAKE_SETUP = {
    'Dockerfile.build': SETUP['Dockerfile.build'],
    Dockerfile: SETUP.Dockerfile,
    'main.go': SETUP['main.go'],
    Makefile: 'image:\n\tdocker build -t tally:build -f Dockerfile.build .\n\tdocker create --name tally-extract tally:build\n\tdocker cp tally-extract:/out/tally ./tally\n\tdocker rm tally-extract\n\tdocker build -t tally:latest .\n',
  };

  it('keeps the artifact on the host: the file may run the target and then read what it left', () => {
    for (const call of ['subprocess.check_call(["make", "image"])', 'subprocess.run("make -C .. image", shell=True, cwd="tools")', 'subprocess.run(["make", "-f", "../Makefile", "image"])']) {
      const r = outcome(py(`${call}\nshutil.copy("tally", "release/tally")`), MAKE_SETUP as unknown as typeof SETUP);
      expect(r.status, call).toBe('migrate');
      expect(r.kept, call).toContain('tools/release.py:2 names');
      expect(r.kept, call).toContain('it may run Makefile and then read what it leaves');
    }
  });

  it('does not count a longer name holding make', () => {
    const r = outcome(py('shutil.make_archive("release", "gztar", "dist")'), MAKE_SETUP as unknown as typeof SETUP);
    expect(r).toEqual({ status: 'migrate', errors: [], kept: null });
  });

  it('does not count make in a Python comment or docstring, which run nothing', () => {
    for (const body of ['# make sure the release folder exists\nshutil.copy("tally", "release/tally")', '"""Packs what make left; run it by hand."""\nshutil.copy("tally", "release/tally")', "def pack():\n    '''Pack the binary make built.'''\n    shutil.copy(\"tally\", \"release/tally\")"]) {
      const r = outcome(py(body), MAKE_SETUP as unknown as typeof SETUP);
      expect(r, body).toEqual({ status: 'migrate', errors: [], kept: null });
    }
  });

  it('still counts make in any string that may be a command, an f-string docstring, a docstring the file reads, or a file that does not parse', () => {
    for (const body of ['print("make the image first")', 'os.system("cd .. && make image")', 'f"""{subprocess.run(["make"])}"""', '"""make image"""\nsubprocess.run(__doc__, shell=True)', 'def broken(:\n    # make\n']) {
      const r = outcome(py(`${body}\nshutil.copy("tally", "release/tally")`), MAKE_SETUP as unknown as typeof SETUP);
      expect(r.kept, body).toContain('tools/release.py:');
    }
  });
});

describe('a passed-over file that runs npm, where the setup is in package.json', () => {
  const NPM_SETUP = {
    'Dockerfile.build': SETUP['Dockerfile.build'],
    Dockerfile: SETUP.Dockerfile,
    'main.go': SETUP['main.go'],
    'package.json': JSON.stringify({ name: 'tally', private: true, scripts: { image: 'docker build -t tally:build -f Dockerfile.build . && docker create --name tally-extract tally:build && docker cp tally-extract:/out/tally ./tally && docker rm tally-extract && docker build -t tally:latest .' } }, null, 2),
  };

  it('keeps the artifact on the host', () => {
    for (const call of ['subprocess.check_call(["npm", "run", "image"])', 'subprocess.run(["yarn", "image"])']) {
      const r = outcome(py(`${call}\nshutil.copy("tally", "release/tally")`), NPM_SETUP as unknown as typeof SETUP);
      expect(r.status, call).toBe('migrate');
      expect(r.kept, call).toContain('tools/release.py:2 names');
      expect(r.kept, call).toContain('it may run package.json and then read what it leaves');
    }
  });

  it('does not count npm run in a Dockerfile or compose file: it runs in a container', () => {
    for (const [name, text] of [['Dockerfile.test', 'FROM node:20\nRUN npm run test\n'], ['compose.yaml', 'services:\n  web:\n    command: npm start\n']]) {
      const r = outcome({ [name!]: text! }, NPM_SETUP as unknown as typeof SETUP);
      expect(r, name).toEqual({ status: 'migrate', errors: [], kept: null });
    }
  });
});

describe('a kept file no reader takes as a script (a justfile, a Rakefile, a crontab): searched as text too', () => {
  it('keeps the artifact on the host when it names the setup\'s script, whether or not it says docker', () => {
    for (const [name, text] of [
      ['justfile', 'release:\n    ./build.sh\n    sha256sum tally > tally.sha256\n'],
      ['justfile', 'release:\n    ./build.sh\n    docker push tally:latest\n    cp tally dist/tally\n'],
      ['Rakefile', 'task :release do\n  sh "./build.sh"\n  cp "tally", "dist/tally"\nend\n'],
    ]) {
      const r = outcome({ [name!]: text! });
      expect(r.status, name).toBe('migrate');
      expect(r.kept, name).toContain(`${name}:`);
      expect(r.kept, name).toContain('names build.sh');
    }
  });

  it('refuses when its naming runs the script from a folder the tool cannot follow (src/analyze/callers.ts)', () => {
    // From /srv/tally: `build.sh` names the root's script only from the root, which /srv/tally may or may not be a copy of.
    const r = outcome({ 'deploy/crontab': '0 3 * * * cd /srv/tally && sh build.sh && cp tally /usr/local/bin/tally\n' });
    expect(r.status).toBe('refused');
    expect(r.errors).toContain('CALLER_FOLDERS_DIFFER build.sh:1');
  });

  it('keeps the artifact when such a file runs make, where the setup is in a Makefile', () => {
    const MAKE_SETUP = {
      'Dockerfile.build': SETUP['Dockerfile.build'],
      Dockerfile: SETUP.Dockerfile,
      'main.go': SETUP['main.go'],
      Makefile: 'image:\n\tdocker build -t tally:build -f Dockerfile.build .\n\tdocker create --name tally-extract tally:build\n\tdocker cp tally-extract:/out/tally ./tally\n\tdocker rm tally-extract\n\tdocker build -t tally:latest .\n',
    };
    const r = outcome({ justfile: 'release:\n    make image\n    docker push tally:latest\n    cp tally dist/tally\n' }, MAKE_SETUP as unknown as typeof SETUP);
    expect(r.status).toBe('migrate');
    expect(r.kept).toContain('justfile:2 names make (`make`)');
  });

  it('still searches a shell script the walk only passed over (no docker, nothing that looks like a call of a script)', () => {
    const MAKE_SETUP = {
      'Dockerfile.build': SETUP['Dockerfile.build'],
      Dockerfile: SETUP.Dockerfile,
      'main.go': SETUP['main.go'],
      Makefile: 'image:\n\tdocker build -t tally:build -f Dockerfile.build .\n\tdocker create --name tally-extract tally:build\n\tdocker cp tally-extract:/out/tally ./tally\n\tdocker rm tally-extract\n\tdocker build -t tally:latest .\n',
    };
    const r = outcome({ 'ci/release': '#!/bin/sh\nset -e\ncd "$(dirname "$0")/.."\nmake image\ntar czf /tmp/rel.tgz .\n' }, MAKE_SETUP as unknown as typeof SETUP);
    expect(r.kept).toContain('ci/release:4 names make (`make`)');
  });

  it('leaves a file a reader takes as a script to the callers\' own reading', () => {
    // A shell script with no docker in it: its call is read as a command, and what follows reads nothing.
    const r = outcome({ 'ci/run': '#!/bin/sh\ncd "$(dirname "$0")/.." && sh build.sh\necho done\n' });
    expect(r).toEqual({ status: 'migrate', errors: [], kept: null });
  });
});

describe('a file of a kind the tool reads that it could not read (a Makefile giving .ONESHELL prerequisites, a shell script that does not parse)', () => {
  const oneshell = (recipe: string) => ({ Makefile: `.ONESHELL: release\nrelease:\n${recipe.split('\n').map((l) => `\t${l}`).join('\n')}\n` });

  it('keeps the artifact on the host when it runs the script and then reads what it left', () => {
    const r = outcome(oneshell('./build.sh\ncp tally dist/tally'));
    expect(r.status).toBe('migrate');
    expect(r.kept).not.toBeNull();
  });

  it('keeps the artifact on the host when it names it, whatever else it runs', () => {
    const r = outcome(oneshell('docker ps\ncp tally dist/tally'));
    expect(r.status).toBe('migrate');
    expect(r.kept).toContain('Makefile:4 names tally, in Makefile, which the tool could not read');
  });

  it("refuses the setup when it names the extraction's container, which the migration no longer makes", () => {
    expect(outcome(oneshell('docker rm tally-extract')).errors).toEqual(['REMOVED_NAME_USED Makefile:3']);
    expect(outcome({ 'clean.sh': '#!/bin/sh\ndocker rm tally-extract\nif then fi (\n' }).errors).toEqual(['REMOVED_NAME_USED clean.sh:2']);
  });

  it('refuses the setup when it names a file a removed command wrote', () => {
    expect(outcome(oneshell('docker ps\ngrep -q Successfully build.log')).errors).toEqual(['REMOVED_OUTPUT_USED Makefile:4']);
  });

  it('is no obstacle when it names nothing of the setup', () => {
    const r = outcome(oneshell('docker ps\nls'));
    expect(r).toEqual({ status: 'migrate', errors: [], kept: null });
  });
});

describe('a script that does not parse, naming a folder that holds the artifact', () => {
  const inDist = { ...SETUP, Dockerfile: 'FROM alpine:3.19\nCOPY dist/tally /usr/local/bin/tally\n', 'build.sh': SETUP['build.sh'].replace('docker cp tally-extract:/out/tally ./tally', 'mkdir -p dist\ndocker cp tally-extract:/out/tally dist/tally') };

  it('keeps the artifact on the host: it may pack that folder after the script ran', () => {
    const plan = planDir(writeTemp({ ...inDist, 'pack.sh': '#!/bin/sh\ncd dist && tar czf ../release.tgz .\nif then fi (\n' }));
    expect(plan.setups[0]!.status).toBe('migrate');
    expect(plan.setups[0]!.notes.find((n) => n.startsWith('dist/tally is still needed on the host'))).toContain('pack.sh:2 names dist, a folder holding dist/tally');
  });
});
