/**
 * A script run through a wrapper, from `env -C`, inside a `sh -c` text or as a path `find -exec`
 * or `xargs` hand a shell is called as surely as `sh svc/build.sh` (src/analyze/script-runs.ts):
 * the caller's later commands use what the script left, and the script starts in the caller's
 * folder. Read as no call, a caller packing the folder after it (`tar czf … .`) lost the binary
 * the old script left there, and the migration said nothing.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/index.js';
import { scriptRuns } from '../../src/analyze/script-runs.js';
import { parseShell } from '../../src/analyze/shell/index.js';
import { MemoryFs } from '../../src/model/fs.js';
import { planFiles } from '../support/plan.js';

const SVC = {
  'svc/Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/relay .\n',
  'svc/Dockerfile': 'FROM alpine:3.19\nCOPY relay /usr/local/bin/relay\n',
  'svc/main.go': 'package main\n',
  'svc/build.sh': ['#!/bin/sh', 'set -e', 'cd "$(dirname "$0")"', 'docker build -t relay-build -f Dockerfile.build .', 'docker create --name relay-x relay-build', 'docker cp relay-x:/out/relay ./relay', 'docker rm relay-x', 'docker build -t relay:latest .', ''].join('\n'),
};

const CALLS = [
  'sh svc/build.sh',
  'timeout 600 sh svc/build.sh',
  'nice -n 5 ./svc/build.sh',
  'env -C svc sh build.sh',
  'env --chdir=svc ./build.sh',
  "sh -c 'sh svc/build.sh'",
  'bash -c "cd svc && ./build.sh"',
  'echo svc/build.sh | xargs -n1 sh',
  'find svc -name build.sh -exec sh {} \\;',
  'find . -name build.sh -execdir ./build.sh \\;',
  'setsid ./svc/build.sh',
  'flock /tmp/relay.lock sh svc/build.sh',
  'flock -w 600 /tmp/relay.lock ./svc/build.sh',
  'runuser -u ci -- ./svc/build.sh',
  'doas -u ci sh svc/build.sh',
  'chronic ./svc/build.sh',
  'unbuffer sh svc/build.sh',
  'xvfb-run -a ./svc/build.sh',
  'caffeinate -i ./svc/build.sh',
  "su -c 'sh svc/build.sh' ci",
  "su ci -c './svc/build.sh'",
  "script -qc 'cd svc && ./build.sh' /dev/null",
  "script --quiet --command='sh svc/build.sh' /dev/null",
  "flock /tmp/relay.lock -c './svc/build.sh'",
];

describe('a caller that runs the setup\'s script in another form than its path', () => {
  for (const call of CALLS) {
    it(`\`${call}\`, then packs the root, keeps the binary on the host`, () => {
      const plan = planFiles({ ...SVC, 'pack.sh': `#!/bin/sh\nset -e\n${call}\ntar czf /tmp/all.tgz .\n` });
      const setup = plan.setups[0]!;
      expect(setup.status, JSON.stringify(setup.diagnostics)).toBe('migrate');
      expect(setup.notes.find((n) => n.startsWith('svc/relay is still needed on the host'))).toContain('`tar czf /tmp/all.tgz .` (pack.sh:4) reads the folder holding it after running svc/build.sh (pack.sh:3)');
      expect(plan.changes.find((c) => c.path === 'svc/build.sh')!.after).toContain('--target export --output type=local,dest=.');
    });
  }

  it('does not take a shell given other text, or find running another program, for a call', () => {
    const plan = planFiles({ ...SVC, 'pack.sh': "#!/bin/sh\nset -e\n# svc/build.sh runs in CI\nsh -c 'go vet ./...'\nfind . -name '*.go' -exec gofmt -l {} +\ntar czf /tmp/all.tgz .\n" });
    expect(plan.setups[0]!.notes.some((n) => n.startsWith('svc/relay is still needed'))).toBe(false);
  });
});

describe('a caller\'s `sh -c` text after the call', () => {
  it('is read for its commands: one that removes the extraction\'s container refuses, at the caller\'s line', () => {
    const leaves = SVC['svc/build.sh'].replace('docker rm relay-x\n', '');
    const plan = planFiles({ ...SVC, 'svc/build.sh': leaves, 'ci.sh': '#!/bin/sh\nset -e\nsh svc/build.sh\nsh -c "echo cleaning; docker rm relay-x"\n' });
    const errors = plan.setups[0]!.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.file}:${d.line}`);
    expect(errors).toEqual(['REMOVED_NAME_USED ci.sh:4']);
  });
});

describe('the folder a script run in those forms starts in', () => {
  const SCRIPT = '#!/bin/sh\nset -e\ndocker build -t app:build -f docker/Dockerfile.build docker\ndocker create --name x app:build\ndocker cp x:/out/app docker/app\ndocker rm x\ndocker build -t app:latest docker\n';
  const DOCKER = { 'docker/Dockerfile.build': 'FROM golang:1.21\nRUN go build -o /out/app .\n', 'docker/Dockerfile': 'FROM alpine:3.19\nCOPY app /app\n' };
  const analysed = (caller: string) => {
    const files = { ...DOCKER, 'scripts/build.sh': SCRIPT, 'ci.sh': `#!/bin/sh\n${caller}\n` };
    return analyze(new MemoryFs(files), Object.keys(files), undefined, []);
  };
  const codes = (a: ReturnType<typeof analysed>) => a.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));

  for (const call of ['timeout 600 ./scripts/build.sh', 'sudo -E ./scripts/build.sh', "bash -c './scripts/build.sh'", 'env -C . ./scripts/build.sh', 'env TAG="$1" ./scripts/build.sh', 'env -C . TAG="$1" ./scripts/build.sh', 'find scripts -name build.sh -exec bash {} \\;', 'chronic ./scripts/build.sh', 'su -c ./scripts/build.sh ci', 'script -qec ./scripts/build.sh /dev/null', 'flock -w 60 /tmp/app.lock -c ./scripts/build.sh', 'parallel ::: ./scripts/build.sh']) {
    it(`is the caller's folder for \`${call}\``, () => {
      const a = analysed(call.replace('env -C . ./scripts/build.sh', 'env -C . ./scripts/build.sh'));
      expect(a.scripts.get('scripts/build.sh')!.startCwd).toBe('');
      expect(codes(a)).toEqual([]);
    });
  }

  it('is only known at run time when a program the tool does not model runs it: its setups refuse rather than read it from its own folder', () => {
    // The script's own folder holds Dockerfiles of the same names: read from there, it would migrate the wrong ones.
    for (const call of ['retry ./scripts/build.sh', 'parallel sh {} ::: scripts/build.sh', 'systemd-run --scope ./scripts/build.sh']) {
      const files = { ...DOCKER, 'scripts/docker/Dockerfile.build': DOCKER['docker/Dockerfile.build'], 'scripts/docker/Dockerfile': DOCKER['docker/Dockerfile'], 'scripts/build.sh': SCRIPT, 'ci.sh': `#!/bin/sh\n${call}\n` };
      const a = analyze(new MemoryFs(files), Object.keys(files), undefined, []);
      expect(a.scripts.get('scripts/build.sh')!.startCwd, call).toBeNull();
      expect(codes(a), call).toContain('DYNAMIC_BUILD_INPUT');
    }
  });

  it('is its own folder when a linter or git only reads it', () => {
    for (const call of ['shellcheck scripts/build.sh', 'git add scripts/build.sh', 'chmod +x scripts/build.sh']) {
      const files = { ...DOCKER, 'scripts/build.sh': SCRIPT, 'ci.sh': `#!/bin/sh\n${call}\n` };
      const a = analyze(new MemoryFs(files), Object.keys(files), undefined, []);
      expect(a.scripts.get('scripts/build.sh')!.startCwd ?? 'scripts', call).toBe('scripts');
    }
  });

  it('refuses when one caller runs it from the root and another, through env -C, from its own folder', () => {
    const a = analysed('./scripts/build.sh\nenv -C scripts ./build.sh');
    expect(codes(a)).toContain('CALLER_FOLDERS_DIFFER');
    expect(a.setups[0]!.diagnostics.find((d) => d.code === 'CALLER_FOLDERS_DIFFER')!.message).toMatch(/ci\.sh:2 from the root, ci\.sh:3 from scripts/);
  });

  it('refuses when a `sh -c` text moves to its folder first, and another caller runs it from the root', () => {
    const a = analysed('./scripts/build.sh\nsh -c "cd scripts && ./build.sh"');
    expect(codes(a)).toContain('CALLER_FOLDERS_DIFFER');
  });
});

describe('which scripts a command runs', () => {
  const runs = (line: string, cwd = '') => scriptRuns(parseShell('ci/run.sh', `${line}\n`, { cwd }).script!.commands.at(-1)!);

  it('reads through wrappers, env -C, sh -c texts, find and xargs', () => {
    expect(runs('timeout -k 5 600 ./build.sh')).toEqual([{ path: './build.sh', cwd: '' }]);
    expect(runs('env -C svc FOO=1 ./build.sh')).toEqual([{ path: './build.sh', cwd: 'svc' }]);
    expect(runs('env -Csvc ./build.sh', 'ci')).toEqual([{ path: './build.sh', cwd: 'ci/svc' }]);
    expect(runs('env -C "$DIR" ./build.sh')).toEqual([{ path: './build.sh', cwd: null }]);
    expect(runs("bash -ec 'cd svc; ./build.sh; sh ../other.sh'")).toEqual([{ path: './build.sh', cwd: 'svc' }, { path: '../other.sh', cwd: 'svc' }]);
    expect(runs('ls | xargs -I % sh -e %')).toEqual([{ path: null, cwd: '' }]);
    expect(runs('xargs -n 1 -P 2 bash < list')).toEqual([{ path: null, cwd: '' }]);
    expect(runs('find . -name "*.sh" -exec {} \\;')).toEqual([{ path: null, cwd: '' }]);
    expect(runs('find . -name build.sh -execdir sh {} \\;')).toEqual([{ path: null, cwd: '', ownFolder: true }]);
    // (every shell whose scripts the tool reads, src/model/shells.ts: ash too)
    expect(runs('ash ./build.sh')).toEqual([{ path: './build.sh', cwd: '' }]);
    expect(runs("ash -c 'sh build.sh'")).toEqual([{ path: 'build.sh', cwd: '' }]);
  });

  it('finds none in programs it runs that are no script, or text only known at run time', () => {
    expect(runs('timeout 600 make image')).toEqual([]);
    expect(runs('sh -c "$CMD"')).toEqual([]);
    expect(runs("sh -c 'go vet ./...'")).toEqual([]);
    expect(runs('xargs -n1 gofmt -l')).toEqual([]);
    expect(runs('xargs sh build.sh')).toEqual([{ path: 'build.sh', cwd: '' }]);
    expect(runs('find . -exec grep -l x {} +')).toEqual([]);
    expect(runs('echo ./build.sh')).toEqual([]);
    expect(runs('shellcheck -x ci/build.sh')).toEqual([]);
    expect(runs('. ci/env.sh')).toEqual([]);
    expect(runs('retry -n 3 ./build.sh')).toEqual([{ path: './build.sh', cwd: '', anyFolder: true }]);
  });

  it('reads the command line su, script and flock run, as their own parsers read their options', () => {
    expect(runs("su ci -c 'cd svc && ./build.sh'")).toEqual([{ path: './build.sh', cwd: 'svc' }]);
    expect(runs("su --command='sh build.sh' -s /bin/bash ci")).toEqual([{ path: 'build.sh', cwd: '' }]);
    expect(runs("script -q -c 'sh build.sh' -O out.log")).toEqual([{ path: 'build.sh', cwd: '' }]);
    expect(runs("flock -n /tmp/l -c './build.sh'")).toEqual([{ path: './build.sh', cwd: '' }]);
    // A login shell starts in the user's home, and an option the table does not read leaves the
    // command unread: a program the tool does not model, which may run it from any folder.
    expect(runs("su - ci -c './build.sh'")).toEqual([{ path: './build.sh', cwd: '', anyFolder: true }]);
    expect(runs("su -l ci -c './build.sh'")).toEqual([{ path: './build.sh', cwd: '', anyFolder: true }]);
    expect(runs("script -t -c './build.sh'")).toEqual([{ path: './build.sh', cwd: '', anyFolder: true }]);
    // A text only known at run time names no script.
    expect(runs('su -c "$CMD" ci')).toEqual([]);
  });

  it('reads GNU parallel\'s command lines and its command with each argument, from the caller\'s folder', () => {
    expect(runs("parallel ::: './build.sh' 'cd svc && sh build.sh'")).toEqual([{ path: './build.sh', cwd: '' }, { path: 'build.sh', cwd: 'svc' }]);
    expect(runs('parallel -k --jobs 2 sh ::: a/build.sh b/build.sh')).toEqual([{ path: 'a/build.sh', cwd: '' }, { path: 'b/build.sh', cwd: '' }]);
    expect(runs('parallel -j4 ::: ./build.sh')).toEqual([{ path: './build.sh', cwd: '' }]);
    // An option or input form the tool does not read: a program that may run the script from any folder.
    expect(runs('parallel --wd /tmp ::: ./build.sh')).toEqual([{ path: './build.sh', cwd: '', anyFolder: true }]);
    expect(runs('parallel sh {} ::: ./build.sh')).toEqual([{ path: './build.sh', cwd: '', anyFolder: true }]);
  });
});

describe('a JavaScript/TypeScript build script run by its runner', () => {
  const run = (text: string) => scriptRuns(parseShell('Makefile.sh', text, { cwd: '' }).script!.commands[0]!);
  it('is run from the runner\'s folder, past its options', () => {
    expect(run('node tools/build.js')).toEqual([{ path: 'tools/build.js', cwd: '' }]);
    // The preloaded module is a path node is given, as any program's: it may run anywhere.
    expect(run('node --require ./env.js tools/build.js --fast')).toEqual([{ path: 'tools/build.js', cwd: '' }, { path: './env.js', cwd: '', anyFolder: true }]);
    expect(run('npx --yes tsx scripts/image.ts')).toEqual([{ path: 'scripts/image.ts', cwd: '' }]);
    expect(run('bun run scripts/image.ts')).toEqual([{ path: 'scripts/image.ts', cwd: '' }]);
    expect(run('cd web && zx build.mjs')).toEqual([]);
  });

  it('is no run of a file for text (-e) or an npx package option, which stay programs the tool does not model', () => {
    expect(run("node -e 'require(\"./tools/build.js\")'")).toEqual([{ path: 'require("./tools/build.js")', cwd: '', anyFolder: true }]);
    expect(run('npx -p tsx tsx tools/build.ts')).toEqual([{ path: 'tools/build.ts', cwd: '', anyFolder: true }]);
  });
});

describe('a PowerShell script run by pwsh or powershell', () => {
  const run = (text: string) => scriptRuns(parseShell('Makefile.sh', text, { cwd: '' }).script!.commands[0]!);
  it('is run from the program\'s folder, past its parameters', () => {
    expect(run('pwsh -NoProfile -NonInteractive -File scripts/build.ps1')).toEqual([{ path: 'scripts/build.ps1', cwd: '' }]);
    expect(run('powershell -ExecutionPolicy Bypass -f scripts/build.ps1')).toEqual([{ path: 'scripts/build.ps1', cwd: '' }]);
    expect(run('pwsh scripts/build.ps1 -Tag x')).toEqual([{ path: 'scripts/build.ps1', cwd: '' }]);
  });

  it('is a program the tool does not model with -Command or -WorkingDirectory', () => {
    expect(run('pwsh -WorkingDirectory svc -File scripts/build.ps1')).toEqual([{ path: 'scripts/build.ps1', cwd: '', anyFolder: true }]);
    expect(run("pwsh -Command './scripts/build.ps1'")).toEqual([{ path: './scripts/build.ps1', cwd: '', anyFolder: true }]);
  });
});
