/**
 * Files the removed commands wrote through a redirect (src/plan/removed-outputs.ts): a command
 * that stays and reads one refuses the setup; one nothing reads is no longer written.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const repo = (lines: string[]) => ({
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
  'main.go': 'package main\n',
  'build.sh': ['#!/bin/sh', 'set -eu', ...lines, ''].join('\n'),
});
const BUILD = 'docker build -t app:build -f Dockerfile.build .';
const EXTRACT = ['docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x'];
const RUN = 'docker build -t app:latest .';

const codes = (lines: string[]) => {
  const plan = planFiles(repo(lines));
  expect(plan.setups).toHaveLength(1);
  return { status: plan.setups[0]!.status, used: plan.setups[0]!.diagnostics.filter((d) => d.code === 'REMOVED_OUTPUT_USED') };
};

describe('files the removed commands wrote', () => {
  it('a later read of a log the builder build wrote refuses, at the reading line', () => {
    const r = codes([`${BUILD} > build.log 2>&1`, ...EXTRACT, RUN, 'grep -c Step build.log']);
    expect(r.status).toBe('refused');
    expect(r.used.map((d) => [d.line, d.severity])).toEqual([[8, 'error']]);
    expect(r.used[0]!.message).toMatch(/uses build\.log, but it was written by `docker build -t app:build -f Dockerfile\.build \.` \(build\.sh:3\)/);
  });

  it('a pack of the folder holding it, and an append to it, refuse too', () => {
    expect(codes([`${BUILD} > logs/build.log`, ...EXTRACT, RUN, 'tar czf logs.tgz logs']).used).toHaveLength(1);
    expect(codes([`${BUILD} >> build.log`, ...EXTRACT, RUN, 'echo done >> build.log']).used).toHaveLength(1);
  });

  it('a log nothing reads afterwards, /dev/null and descriptor moves migrate', () => {
    expect(codes([`${BUILD} > build.log 2>&1`, ...EXTRACT, RUN, 'echo built']).status).toBe('migrate');
    expect(codes([`${BUILD} > /dev/null 2>&1`, ...EXTRACT, RUN, 'cat notes.txt']).status).toBe('migrate');
    // Read before it was written: no use of what the removed command wrote.
    expect(codes(['cat build.log || true', `${BUILD} > build.log`, ...EXTRACT, RUN]).status).toBe('migrate');
  });

  it('a removed command writing to a path only known at run time refuses', () => {
    const r = codes([`${BUILD} > "$LOG"`, ...EXTRACT, RUN]);
    expect(r.status).toBe('refused');
    expect(r.used[0]!.message).toMatch(/only known at run time/);
  });
});

describe('files the removed commands wrote, taken by a CI step', () => {
  it('a GitHub step uploading the builder build\'s log refuses; one uploading another file does not', () => {
    const workflow = (path: string) => ({
      'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
      Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
      'main.go': 'package main\n',
      '.github/workflows/image.yml': ['on: push', 'jobs:', '  image:', '    runs-on: ubuntu-latest', '    steps:', '      - uses: actions/checkout@v4', '      - run: |', '          docker build -t app:build -f Dockerfile.build . > build.log 2>&1', '          docker create --name x app:build', '          docker cp x:/out/app ./app', '          docker rm x', '          docker build -t app:latest .', '      - uses: actions/upload-artifact@v4', '        with:', `          path: ${path}`, ''].join('\n'),
    });
    const refused = planFiles(workflow('build.log'));
    expect(refused.setups[0]!.status).toBe('refused');
    expect(refused.setups[0]!.diagnostics.find((d) => d.code === 'REMOVED_OUTPUT_USED')?.message).toMatch(/actions\/upload-artifact@v4.*reads build\.log, but it was written by `docker build/);
    expect(planFiles(workflow('notes.txt')).setups[0]!.status).toBe('migrate');
    // A later job of the workflow starts from a checkout of its own: the log was never in its folder.
    const later = workflow('build.log');
    later['.github/workflows/image.yml'] = later['.github/workflows/image.yml'].replace('      - uses: actions/upload-artifact@v4', '  logs:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/upload-artifact@v4');
    expect(planFiles(later).setups[0]!.status).toBe('migrate');
  });
});

/** The same repository with the builder build's log, and `extra` files beside it. */
const withLog = (extra: Record<string, string>, redirect = '> build.log 2>&1') => {
  const plan = planFiles({ ...repo([`${BUILD} ${redirect}`, ...EXTRACT, RUN]), ...extra });
  const setup = plan.setups.find((s) => s.id.startsWith('build.sh:'))!;
  return { status: setup.status, used: setup.diagnostics.filter((d) => d.code === 'REMOVED_OUTPUT_USED').map((d) => `${d.file}:${d.line} ${d.message}`) };
};

describe('files the removed commands wrote, read by a script run after the setup\'s own', () => {
  it('a caller that reads the log after running the script refuses, naming the reader, the call and the writer', () => {
    const r = withLog({ 'ci.sh': '#!/bin/sh\nset -e\nsh build.sh\ngrep -q Successfully build.log\n' });
    expect(r.status).toBe('refused');
    expect(r.used).toEqual([expect.stringMatching(/^ci\.sh:4 `grep -q Successfully build\.log` \(ci\.sh:4\) uses build\.log after running build\.sh \(ci\.sh:3\), but it was written by `docker build -t app:build -f Dockerfile\.build \.` \(build\.sh:3\)/)]);
    // Packing the folder holding it, from a Makefile recipe.
    expect(withLog({ Makefile: 'release:\n\t./build.sh\n\ttar czf logs.tgz .\n' }).used).toEqual([expect.stringMatching(/^Makefile:3 `tar czf logs\.tgz \.`/)]);
  });

  it('a CI step that runs the script and then reads or uploads the log refuses; an upload in another job does not', () => {
    const job = (name: string, steps: string[]) => [`  ${name}:`, '    runs-on: ubuntu-latest', '    steps:', '      - uses: actions/checkout@v4', ...steps];
    const upload = ['      - uses: actions/upload-artifact@v4', '        with:', '          path: build.log'];
    const workflow = (...jobs: string[][]) => ({ '.github/workflows/ci.yml': ['on: push', 'jobs:', ...jobs.flat(), ''].join('\n') });
    expect(withLog(workflow(job('image', ['      - run: ./build.sh', '      - run: cat build.log']))).used).toEqual([expect.stringMatching(/^\.github\/workflows\/ci\.yml:8 `cat build\.log`/)]);
    const same = withLog(workflow(job('image', ['      - run: ./build.sh', ...upload])));
    expect(same.used).toEqual([expect.stringMatching(/^\.github\/workflows\/ci\.yml:10 the step `uses: actions\/upload-artifact@v4` \(`with: path:`\) \(\.github\/workflows\/ci\.yml:10\) reads build\.log after running build\.sh \(\.github\/workflows\/ci\.yml:7\)/)]);
    // Another job starts from a checkout of its own: the log was never in its folder.
    expect(withLog(workflow(job('image', ['      - run: ./build.sh']), job('logs', upload))).status).toBe('migrate');
    expect(withLog(workflow(job('image', ['      - run: ./build.sh']), job('logs', ['      - run: cat build.log || true']))).status).toBe('migrate');
    // GitLab: the calling job's `artifacts:` take it; another job's never had it.
    const gitlab = (other: string) => ({ '.gitlab-ci.yml': ['package:', '  script:', '    - ./build.sh', `${other}:`, '  script:', '    - echo logs', '  artifacts:', '    paths:', '      - build.log', ''].join('\n') });
    expect(withLog(gitlab('logs')).status).toBe('migrate');
    const own = withLog({ '.gitlab-ci.yml': ['package:', '  script:', '    - ./build.sh', '  artifacts:', '    paths:', '      - build.log', ''].join('\n') });
    expect(own.used).toEqual([expect.stringMatching(/^\.gitlab-ci\.yml:6 the `artifacts:` of job package/)]);
  });

  it('a script beside the setup\'s, or in another folder naming the log by its path, refuses', () => {
    expect(withLog({ 'check.sh': '#!/bin/sh\ngrep FAIL build.log && exit 1\nexit 0\n' }).used).toEqual([expect.stringMatching(/^check\.sh:2 `grep FAIL build\.log` \(check\.sh:2\) reads build\.log, in check\.sh, which may be run after build\.sh left it there/)]);
    expect(withLog({ 'tools/report.sh': '#!/bin/sh\ncat ../out/report.txt\n' }, '> out/report.txt').used).toEqual([expect.stringMatching(/^tools\/report\.sh:2 `cat \.\.\/out\/report\.txt`/)]);
  });

  it('a Make target or npm script reading the log after another one ran the script refuses (`make build check-log`)', () => {
    expect(withLog({ Makefile: 'build:\n\t./build.sh\n\ncheck-log: build\n\tgrep -q Successfully build.log\n' }).used).toEqual([expect.stringMatching(/^Makefile:5 `grep -q Successfully build\.log`/)]);
    expect(withLog({ 'package.json': JSON.stringify({ scripts: { build: './build.sh', 'check-log': 'grep -q Successfully build.log' } }, null, 2) }).used).toEqual([expect.stringMatching(/^package\.json:\d+ `grep -q Successfully build\.log`/)]);
  });

  it('another Make target that reads the log the image target\'s build wrote refuses', () => {
    const plan = planFiles({
      ...repo([]),
      Makefile: ['image:', '\tdocker build -t app:build -f Dockerfile.build . > build.log 2>&1', '\tdocker create --name x app:build', '\tdocker cp x:/out/app ./app', '\tdocker rm x', '\tdocker build -t app:latest .', '', 'check-log:', '\tgrep -q Successfully build.log', ''].join('\n'),
    });
    const setup = plan.setups.find((s) => s.id.startsWith('Makefile:'))!;
    expect(setup.status).toBe('refused');
    expect(setup.diagnostics.filter((d) => d.code === 'REMOVED_OUTPUT_USED').map((d) => `${d.file}:${d.line}`)).toEqual(['Makefile:9']);
  });

  it('a log no other script reads, one the script removes itself, or one a later script only writes, migrates', () => {
    expect(withLog({ 'ci.sh': '#!/bin/sh\nsh build.sh\necho done\n', 'lint.sh': '#!/bin/sh\ncat README.md\n' }).status).toBe('migrate');
    const removedItself = planFiles({ ...repo([`${BUILD} > build.log 2>&1`, ...EXTRACT, RUN, 'rm -f build.log']), 'ci.sh': '#!/bin/sh\nsh build.sh\ncat build.log\n' });
    expect(removedItself.setups.map((s) => s.status)).toEqual(['migrate']);
    expect(withLog({ 'check.sh': '#!/bin/sh\necho fresh > build.log\n' }).status).toBe('migrate');
    expect(withLog({ 'ci.sh': '#!/bin/sh\nrm -f build.log\nsh build.sh\n' }).status).toBe('migrate');
  });

  it('a read after the file was written anew on every path reads that, not the removed command\'s', () => {
    // In the setup's own script, in a caller, and in a script elsewhere read from the root.
    expect(codes([`${BUILD} > build.log 2>&1`, ...EXTRACT, RUN, 'go vet ./... > build.log 2>&1', 'grep -c vet build.log']).status).toBe('migrate');
    expect(withLog({ 'ci.sh': '#!/bin/sh\nsh build.sh\ngo vet ./... > build.log\ncat build.log\n' }).status).toBe('migrate');
    expect(withLog({ 'tools/vet.sh': '#!/bin/sh\ngo vet ./... > build.log\ncat build.log\n' }).status).toBe('migrate');
    // Written only on some paths, or before the call that writes it again: the read may be the removed command's.
    expect(withLog({ 'ci.sh': '#!/bin/sh\nsh build.sh\n[ -n "$VET" ] && go vet ./... > build.log\ncat build.log\n' }).used).toEqual([expect.stringMatching(/^ci\.sh:4 /)]);
    expect(withLog({ 'ci.sh': '#!/bin/sh\ngo vet ./... > build.log\nsh build.sh\ncat build.log\n' }).used).toEqual([expect.stringMatching(/^ci\.sh:4 /)]);
    // A call from a function runs where the function is called, not where it is written.
    expect(withLog({ 'ci.sh': '#!/bin/sh\nbuild() { sh build.sh; }\ngo vet ./... > build.log\nbuild\ncat build.log\n' }).used).toEqual([expect.stringMatching(/^ci\.sh:5 /)]);
  });
});

describe('files the removed commands wrote, copied into an image by a build that stays', () => {
  const folderRepo = (extra: Record<string, string>) => {
    const plan = planFiles({
      ...repo([`${BUILD} > out/build.log 2>&1`, 'docker create --name x app:build', 'docker cp x:/out/app ./out/app', 'docker rm x', RUN]),
      Dockerfile: 'FROM alpine:3.19\nCOPY out/ /srv/\n',
      'out/.keep': '',
      ...extra,
    });
    return { status: plan.setups[0]!.status, used: plan.setups[0]!.diagnostics.filter((d) => d.code === 'REMOVED_OUTPUT_USED').map((d) => `${d.file}:${d.line} ${d.message}`) };
  };

  it('the runtime build copying the folder the log is in, or the log itself, refuses', () => {
    expect(folderRepo({})).toEqual({ status: 'refused', used: [expect.stringMatching(/^build\.sh:7 `docker build -t app:latest \.` \(build\.sh:7\) builds from out\/build\.log: `COPY out\/` \(Dockerfile:2\) copies it into the image, but it was written by `docker build -t app:build/)] });
    const own = planFiles({ ...repo([`${BUILD} > build.log 2>&1`, ...EXTRACT, RUN]), Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCOPY build.log /usr/share/doc/\n' });
    expect(own.setups[0]!.diagnostics.filter((d) => d.code === 'REMOVED_OUTPUT_USED').map((d) => d.line)).toEqual([7]);
  });

  it('an ignore file that leaves the log out for certain migrates; a later `!` rule may send it again', () => {
    expect(folderRepo({ '.dockerignore': 'out/*.log\n' }).status).toBe('migrate');
    expect(folderRepo({ '.dockerignore': 'out/*.log\n!out/build.log\n' }).status).toBe('refused');
  });

  it('a caller that builds another image copying the log refuses', () => {
    const r = withLog({ 'Dockerfile.logs': 'FROM busybox:1.36\nCOPY build.log /logs/\n', 'ci.sh': '#!/bin/sh\nsh build.sh\ndocker build -f Dockerfile.logs -t logs .\n' });
    expect(r.used).toEqual([expect.stringMatching(/^ci\.sh:3 `docker build -f Dockerfile\.logs -t logs \.` \(ci\.sh:3\) builds from build\.log after running build\.sh \(ci\.sh:2\): `COPY build\.log` \(Dockerfile\.logs:2\) copies it/)]);
  });
});

describe('files the removed commands wrote through descriptors they did not open', () => {
  it('a descriptor an `exec` opened, then a removed command writing to it, then a read, refuses', () => {
    const r = codes(['exec 3> build.log', BUILD, 'docker create --name x app:build >&3', 'docker cp x:/out/app ./app >&3 2>&1', 'docker rm x', RUN, 'grep -c . build.log']);
    expect(r.status).toBe('refused');
    expect(r.used.map((d) => d.line)).toEqual([9]);
    expect(r.used[0]!.message).toMatch(/uses build\.log, but it was written by `docker create --name x app:build` \(build\.sh:5; its output went there through `exec 3>build\.log` at build\.sh:3\)/);
    // Appending, the errors alone.
    expect(codes(['exec 4>>build.log', BUILD, 'docker create --name x app:build 2>&4', ...EXTRACT.slice(1), RUN, 'cat build.log']).status).toBe('refused');
  });

  it('the whole script\'s output sent to a file by `exec`, or through `tee`, then read, refuses', () => {
    expect(codes(['exec > build.log 2>&1', BUILD, ...EXTRACT, RUN, 'grep -q Successfully build.log']).status).toBe('refused');
    expect(codes(['exec 2> errors.log', BUILD, ...EXTRACT, RUN, 'cat errors.log']).status).toBe('refused');
    const tee = codes(['exec > >(tee -a build.log) 2>&1', BUILD, ...EXTRACT, RUN, 'cat build.log']);
    expect(tee.used[0]!.message).toMatch(/uses build\.log, but it was written by `docker build -t app:build -f Dockerfile\.build \.` \(build\.sh:4; its output went there through `exec > >\(tee -a build\.log\) 2>&1` at build\.sh:3\)/);
    // A process substitution other than tee writes what the tool cannot tell.
    expect(codes(['exec > >(logger -t build) 2>&1', BUILD, ...EXTRACT, RUN]).used[0]!.message).toMatch(/only known at run time/);
  });

  it('an `exec` in the body of a function defined below the commands that run after its call refuses', () => {
    const r = codes(['main() {', '  logs', ...[BUILD, ...EXTRACT, RUN, 'grep -c . build.log'].map((c) => `  ${c}`), '}', 'logs() { exec > build.log 2>&1; }', 'main']);
    expect(r.status).toBe('refused');
    expect(r.used[0]!.message).toMatch(/its output went there through `exec >build\.log 2>&1` at build\.sh:\d+\)/);
  });

  it('a caller reading the file after running the script refuses', () => {
    const plan = planFiles({ ...repo(['exec > build.log 2>&1', BUILD, ...EXTRACT, RUN]), 'ci.sh': '#!/bin/sh\nsh build.sh\ngrep -q Successfully build.log\n' });
    expect(plan.setups[0]!.diagnostics.filter((d) => d.code === 'REMOVED_OUTPUT_USED').map((d) => `${d.file}:${d.line}`)).toEqual(['ci.sh:3']);
  });

  it('a caller sending the script\'s output to a file and reading it afterwards refuses', () => {
    const used = (ci: string) => planFiles({ ...repo([BUILD, ...EXTRACT, RUN]), 'ci.sh': ci }).setups[0]!.diagnostics.filter((d) => d.code === 'REMOVED_OUTPUT_USED').map((d) => `${d.file}:${d.line} ${d.message}`);
    expect(used('#!/bin/sh\n./build.sh > build.log 2>&1\ngrep -c . build.log\n')).toEqual([expect.stringMatching(/^ci\.sh:3 `grep -c \. build\.log` \(ci\.sh:3\) uses build\.log after running build\.sh \(ci\.sh:2\), but it was written by `docker build -t app:build -f Dockerfile\.build \.` \(build\.sh:3; its output went there through `>build\.log` of the call at ci\.sh:2\)/)]);
    // Nothing reads it, or the script sends the removed commands' output elsewhere itself.
    expect(used('#!/bin/sh\n./build.sh > build.log 2>&1\necho done\n')).toEqual([]);
    const quiet = planFiles({ ...repo([`${BUILD} > /dev/null 2>&1`, ...EXTRACT.map((c) => `${c} > /dev/null 2>&1`), RUN]), 'ci.sh': '#!/bin/sh\n./build.sh > build.log 2>&1\ncat build.log\n' });
    expect(quiet.setups[0]!.status).toBe('migrate');
  });

  it('a caller piping the script\'s output into a file and reading it afterwards refuses; the pipe\'s own writer is no read', () => {
    const plan = (extra: Record<string, string>) => planFiles({ ...repo([BUILD, ...EXTRACT, RUN]), ...extra }).setups[0]!;
    const used = (ci: string) => plan({ 'ci.sh': ci }).diagnostics.filter((d) => d.code === 'REMOVED_OUTPUT_USED').map((d) => `${d.file}:${d.line} ${d.message}`);
    expect(used('#!/bin/sh\n./build.sh | tee build.log\ngrep -c . build.log\n')).toEqual([expect.stringMatching(/^ci\.sh:3 `grep -c \. build\.log` \(ci\.sh:3\) uses build\.log after running build\.sh \(ci\.sh:2\), but it was written by `docker build -t app:build -f Dockerfile\.build \.` \(build\.sh:3; its output went there through `\| tee build\.log` of the call at ci\.sh:2\)/)]);
    // Its errors too, appended; through another program into a file; along a longer pipe.
    expect(used('#!/bin/sh\n./build.sh 2>&1 | tee -a log\ncat log\n')).toEqual([expect.stringMatching(/^ci\.sh:3 /)]);
    expect(used('#!/bin/sh\nsh build.sh | gzip > log.gz\nzcat log.gz\n')).toEqual([expect.stringMatching(/^ci\.sh:3 .*through `\| gzip >log\.gz` of the call/)]);
    expect(used('#!/bin/sh\n./build.sh | grep -v Step | tee out.txt > /dev/null\nwc -l out.txt\n')).toEqual([expect.stringMatching(/^ci\.sh:3 /)]);
    // A Makefile recipe writing its target, read by another rule.
    expect(plan({ Makefile: 'build.log:\n\t./build.sh | tee $@\n\ncheck: build.log\n\tgrep -c . build.log\n' }).diagnostics.filter((d) => d.code === 'REMOVED_OUTPUT_USED').map((d) => `${d.file}:${d.line}`)).toEqual(['Makefile:5']);
    // Nothing reads it afterwards, or the pipe writes no file.
    expect(used('#!/bin/sh\n./build.sh | tee build.log\necho done\n')).toEqual([]);
    expect(used('#!/bin/sh\n./build.sh | grep -v Step\necho ok > build.log\ncat build.log\n')).toEqual([]);
  });

  it('a caller sending the script\'s output to a path only known at run time refuses', () => {
    const setup = planFiles({ ...repo([BUILD, ...EXTRACT, RUN]), 'ci.sh': '#!/bin/sh\n./build.sh > "$LOG"\ncat "$LOG"\n' }).setups[0]!;
    expect(setup.diagnostics.filter((d) => d.code === 'REMOVED_OUTPUT_USED').map((d) => `${d.file}:${d.line} ${d.message}`)).toEqual([expect.stringMatching(/^ci\.sh:2 `docker build -t app:build -f Dockerfile\.build \.` \(build\.sh:3\) goes, and it wrote a file only known at run time \(`>"\$LOG"`.*what reads it cannot be told/)]);
    // A read of a path only known at run time after a redirect to a known one may read it.
    const read = planFiles({ ...repo([BUILD, ...EXTRACT, RUN]), 'ci.sh': '#!/bin/sh\n./build.sh > build.log\ncat "$F"\n' }).setups[0]!;
    expect(read.diagnostics.filter((d) => d.code === 'REMOVED_OUTPUT_USED').map((d) => `${d.file}:${d.line}`)).toEqual(['ci.sh:3']);
  });

  it('a CI step piping the script\'s output into a file, then a step reading or uploading it, refuses', () => {
    const workflow = (...steps: string[]) => ({ '.github/workflows/ci.yml': ['on: push', 'jobs:', '  image:', '    runs-on: ubuntu-latest', '    steps:', '      - uses: actions/checkout@v4', ...steps, ''].join('\n') });
    const used = (extra: Record<string, string>) => planFiles({ ...repo([BUILD, ...EXTRACT, RUN]), ...extra }).setups[0]!.diagnostics.filter((d) => d.code === 'REMOVED_OUTPUT_USED').map((d) => `${d.file}:${d.line}`);
    expect(used(workflow('      - run: ./build.sh | tee build.log', '      - run: grep -c . build.log'))).toEqual(['.github/workflows/ci.yml:8']);
    const upload = ['      - uses: actions/upload-artifact@v4', '        with:', '          path: build.log'];
    expect(used(workflow('      - run: ./build.sh | tee build.log', ...upload))).toEqual(['.github/workflows/ci.yml:10']);
    expect(used(workflow('      - run: ./build.sh > build.log 2>&1', ...upload))).toEqual(['.github/workflows/ci.yml:10']);
    expect(used(workflow('      - run: ./build.sh | tee build.log', '      - run: echo done'))).toEqual([]);
    // through a program whose writes the tool cannot tell
    expect(used(workflow('      - run: ./build.sh | awk \'{print > "build.log"}\'', ...upload))).toEqual(['.github/workflows/ci.yml:10']);
    expect(used(workflow('      - run: ./build.sh | awk \'{print > "build.log"}\'', '      - run: grep -c . build.log'))).toEqual(['.github/workflows/ci.yml:8']);
  });

  it('an `exec` in a function body counts wherever the function is called from; one in a subshell around the removed commands counts for them', () => {
    // Called before the removed commands, though written after them (`main` first).
    const late = codes(['main() {', '  log', `  ${BUILD}`, ...EXTRACT.map((c) => `  ${c}`), `  ${RUN}`, '  grep -c . build.log', '}', 'log() { exec > build.log 2>&1; }', 'main']);
    expect(late.used.map((d) => d.line)).toEqual([10]);
    expect(late.used[0]!.message).toMatch(/its output went there through `exec >build\.log 2>&1` at build\.sh:12\)/);
    expect(codes(['log() { exec 3> build.log; }', BUILD, 'log', 'docker create --name x app:build >&3', ...EXTRACT.slice(1), RUN, 'cat build.log']).status).toBe('refused');
    expect(codes(['(', 'exec > build.log 2>&1', BUILD, ...EXTRACT, ')', RUN, 'cat build.log']).status).toBe('refused');
  });

  it('an `exec` of a file the script sources, in a function it defines or at its top, counts as the script\'s own', () => {
    const used = (lines: string[], extra: Record<string, string>) => planFiles({ ...repo(lines), ...extra }).setups[0]!.diagnostics.filter((d) => d.code === 'REMOVED_OUTPUT_USED').map((d) => `${d.file}:${d.line} ${d.message}`);
    const lib = { 'lib/log.sh': 'start_log() {\n  exec > build.log 2>&1\n}\n' };
    expect(used(['. ./lib/log.sh', 'start_log', BUILD, ...EXTRACT, RUN, 'grep -q . build.log || exit 3'], lib)).toEqual([expect.stringMatching(/^build\.sh:10 .*through `exec >build\.log 2>&1` at lib\/log\.sh:2\)/)]);
    expect(used(['source lib/log.sh', BUILD, 'docker create --name x app:build >&3', ...EXTRACT.slice(1), RUN], { 'lib/log.sh': 'exec 3>build.log\n', 'ci.sh': '#!/bin/sh\n./build.sh\ncat build.log\n' })).toEqual([expect.stringMatching(/^ci\.sh:3 .*through `exec 3>build\.log` at lib\/log\.sh:1\)/)]);
    // sourced by a file the script sources, or by the caller before it runs the script
    expect(used(['. lib/common.sh', 'start_log', BUILD, ...EXTRACT, RUN, 'cat build.log'], { ...lib, 'lib/common.sh': '. lib/log.sh\n' })).toHaveLength(1);
    expect(used([BUILD, ...EXTRACT, RUN], { 'lib/log.sh': 'exec > ci.log 2>&1\n', 'ci.sh': '#!/bin/sh\n. lib/log.sh\n./build.sh\ncat ci.log\n' })).toEqual([expect.stringMatching(/^ci\.sh:4 .*through `exec >ci\.log 2>&1` at lib\/log\.sh:1, which the call inherits\)/)]);
    // nothing reads it afterwards, or the sourced file's `exec` runs after the removed commands
    expect(used(['. ./lib/log.sh', 'start_log', BUILD, ...EXTRACT, RUN, 'echo done'], lib)).toEqual([]);
    expect(used([BUILD, ...EXTRACT, '. lib/log.sh', RUN, 'cat build.log'], { 'lib/log.sh': 'exec > build.log 2>&1\n' })).toEqual([]);
    // a caller sourcing a file only known at run time (or one the repository lacks) before the call: its `exec` may open any file
    expect(used([BUILD, ...EXTRACT, RUN], { 'ci.sh': '#!/bin/sh\n. "$CONF"\n./build.sh\ngrep -q Step build.log\n' })).toEqual([expect.stringMatching(/^ci\.sh:4 .*through `\. "\$CONF"` at ci\.sh:2, a file the tool cannot read sourced before the call/)]);
    expect(used([BUILD, ...EXTRACT, RUN], { 'ci.sh': '#!/bin/sh\n. ./.env.local\n./build.sh\ncat build.log\n' })).toHaveLength(1);
    expect(used([BUILD, ...EXTRACT, RUN], { 'ci.sh': '#!/bin/sh\n. "$CONF"\n./build.sh\ndocker push app:latest\n' })).toEqual([]);
    expect(used([BUILD, ...EXTRACT, RUN], { 'ci.sh': '#!/bin/sh\n. /etc/os-release\n./build.sh\ncat VERSION\n' })).toEqual([]);
  });

  it('an `exec` in a subshell, or in a function only called in one, opens its files to the subshell\'s end only', () => {
    // The removed commands run after the subshell: their output never reached the file.
    expect(codes(['( exec > build.log 2>&1 )', BUILD, ...EXTRACT, RUN, 'cat build.log']).status).toBe('migrate');
    expect(codes(['log() { exec > build.log 2>&1; }', '( log )', BUILD, ...EXTRACT, RUN, 'cat build.log']).status).toBe('migrate');
    expect(codes(['log() { exec > build.log 2>&1; }', 'echo x | log', BUILD, ...EXTRACT, RUN, 'cat build.log']).status).toBe('migrate');
    // In the subshell after the call, a call outside one, or a use of the name the tool cannot follow, counts.
    expect(codes(['log() { exec > build.log 2>&1; }', `( log; ${BUILD} )`, ...EXTRACT, RUN, 'cat build.log']).status).toBe('refused');
    expect(codes(['log() { exec > build.log 2>&1; }', '( log )', 'log', BUILD, ...EXTRACT, RUN, 'cat build.log']).status).toBe('refused');
    expect(codes(['log() { exec > build.log 2>&1; }', '( log )', 'trap log EXIT', BUILD, ...EXTRACT, RUN, 'cat build.log']).status).toBe('refused');
    expect(codes(['log() { exec > build.log 2>&1; }', '( log )', '"$STEP"', BUILD, ...EXTRACT, RUN, 'cat build.log']).status).toBe('refused');
    expect(codes(['( exec > build.log 2>&1', BUILD, ')', ...EXTRACT, RUN, 'cat build.log']).status).toBe('refused');
  });

  it('a caller\'s own `exec` the call inherits, then a read, refuses', () => {
    const setup = planFiles({ ...repo([BUILD, ...EXTRACT, RUN]), 'ci.sh': '#!/bin/sh\nexec > ci.log 2>&1\n./build.sh\ncat ci.log\n' }).setups[0]!;
    expect(setup.diagnostics.filter((d) => d.code === 'REMOVED_OUTPUT_USED').map((d) => `${d.file}:${d.line} ${d.message}`)).toEqual([expect.stringMatching(/^ci\.sh:4 `cat ci\.log` .*through `exec >ci\.log 2>&1` at ci\.sh:2, which the call inherits\)/)]);
    expect(planFiles({ ...repo([BUILD, ...EXTRACT, RUN]), 'ci.sh': '#!/bin/sh\nexec > ci.log 2>&1\n./build.sh\necho done\n' }).setups[0]!.status).toBe('migrate');
  });

  it('a caller piping the script\'s output into tee, then reading the file, refuses', () => {
    const at = (ci: string) => planFiles({ ...repo([BUILD, ...EXTRACT, RUN]), 'ci.sh': ci }).setups[0]!.diagnostics.filter((d) => d.code === 'REMOVED_OUTPUT_USED').map((d) => `${d.file}:${d.line}`);
    expect(at('#!/bin/sh\nsh build.sh 2>&1 | tee -a build.log\ngrep -q Successfully build.log\n')).toEqual(['ci.sh:3']);
    expect(at('#!/bin/sh\nsh build.sh |& tee build.log\ngrep -q Successfully build.log\n')).toEqual(['ci.sh:3']);
    // nothing reads it afterwards, or the pipe leads elsewhere
    expect(at('#!/bin/sh\nsh build.sh 2>&1 | tee build.log\necho done\n')).toEqual([]);
    expect(at('#!/bin/sh\nsh build.sh 2>&1 | logger -t build\ncat build.log\n')).toEqual([]);
    // tee run through a wrapper, or with its --output-error option
    expect(at('#!/bin/sh\nsh build.sh 2>&1 | sudo tee build.log\ngrep -q Successfully build.log\n')).toEqual(['ci.sh:3']);
    expect(at('#!/bin/sh\nsh build.sh 2>&1 | stdbuf -oL tee -a build.log\ngrep -q Successfully build.log\n')).toEqual(['ci.sh:3']);
    expect(at('#!/bin/sh\nsh build.sh 2>&1 | tee --output-error=warn build.log\necho done\n')).toEqual([]);
    // a program only known at run time may be tee: a file only known at run time
    expect(at('#!/bin/sh\nsh build.sh | "$SAVER"\ncat build.log\n')).toEqual(['ci.sh:2']);
    // a later call that sends its output elsewhere leaves the file as the first call wrote it
    expect(at('#!/bin/sh\nsh build.sh 2>&1 | tee build.log\nsh build.sh\ngrep -q Successfully build.log\n')).toEqual(['ci.sh:4']);
    expect(at('#!/bin/sh\nsh build.sh > build.log 2>&1\nsh build.sh > other.log\ngrep -q Successfully build.log\n')).toEqual(['ci.sh:4']);
    expect(at('#!/bin/sh\nsh build.sh > build.log 2>&1\necho new > build.log\nsh build.sh\ngrep -q new build.log\n')).toEqual([]);
  });

  it('a caller\'s program whose writes the tool cannot tell, in the pipe from the call or running the script, may have written the file a later command reads', () => {
    const at = (ci: string) => planFiles({ ...repo([BUILD, ...EXTRACT, RUN]), 'ci.sh': `#!/bin/sh\n${ci}` }).setups[0]!.diagnostics.filter((d) => d.code === 'REMOVED_OUTPUT_USED').map((d) => `${d.file}:${d.line} ${d.message}`);
    expect(at('./build.sh | awk \'{print > "build.log"}\'\ncat build.log\n')).toEqual([expect.stringMatching(/^ci\.sh:3 `cat build\.log` .*uses build\.log after running build\.sh .*its output may have gone there through `\| awk '\{print > "build\.log"\}'` of the call at ci\.sh:2, a program whose writes the tool does not know\)/)]);
    expect(at('./build.sh 2>&1 | sed -n "w build.log"\ngrep -q Successfully build.log\n')).toEqual([expect.stringMatching(/^ci\.sh:3 .*uses build\.log after/)]);
    expect(at('./build.sh | ./tools/logsplit build.log\ncat build.log\n')).toHaveLength(1);
    expect(at('./build.sh | sort -o sorted.log\ncat sorted.log\n')).toHaveLength(1);
    expect(at('parallel ::: ./build.sh\ncat build.log\n')).toEqual([expect.stringMatching(/^ci\.sh:3 .*through `parallel` of the call at ci\.sh:2, a program whose writes the tool does not know/)]);
    // util-linux script writes its typescript (`typescript` when it names none) and log files
    expect(at('script -qc ./build.sh build.log\ncat build.log\n')).toEqual([expect.stringMatching(/^ci\.sh:3 .*its output went there through `script -qc \.\/build\.sh build\.log` of the call at ci\.sh:2\)/)]);
    expect(at('script -q -c ./build.sh\ncat typescript\n')).toHaveLength(1);
    expect(at('script --log-out=out.log -qc ./build.sh /dev/null\ncat out.log\n')).toHaveLength(1);
    expect(at('script -qec ./build.sh /dev/null\ntar czf /tmp/release.tgz .\n')).toEqual([]);
    expect(at('script --quiet --command=./build.sh build.log\ntar czf /tmp/release.tgz .\n')).toEqual([expect.stringMatching(/^ci\.sh:3 `tar czf \/tmp\/release\.tgz \.` .*reads the folder holding build\.log/)]);
    expect(at('./build.sh | awk \'{print > "build.log"}\'\ntar czf /tmp/release.tgz .\n')).toEqual([expect.stringMatching(/^ci\.sh:3 `tar czf \/tmp\/release\.tgz \.` \(ci\.sh:3\) reads the repository's root folder after running build\.sh/)]);
    // programs that run the script and write no file of its output
    expect(at('env -C . sh build.sh\ncat VERSION\n')).toEqual([]);
    expect(at('su ci -c ./build.sh\ncat VERSION\n')).toEqual([]);
    expect(at('script -qc ./build.sh build.log\ncat other.log\n')).toEqual([]);
    expect(at('./build.sh | awk \'{print > "build.log"}\'\ntar czf logs.tgz *.log\n')).toEqual([expect.stringMatching(/reads the pattern \*\.log after running build\.sh \(ci\.sh:2\), which may be a file `\| awk/)]);
    // nothing reads a file afterwards, or the programs write only their standard output
    expect(at('./build.sh | awk \'{print > "build.log"}\'\necho done\ndocker push app:latest\n')).toEqual([]);
    expect(at('script -qc ./build.sh build.log\necho ok\n')).toEqual([]);
    expect(at('./build.sh 2>&1 | grep -v DEBUG | ts\ncat build.log\n')).toEqual([]);
    // sed and awk programs that hold no command writing a file (no `w`/`W`/`e` in sed's, no `>`, `|` or `system` in awk's)
    expect(at('./build.sh 2>&1 | sed "s/^/[build] /"\nsha256sum app > SUMS\n')).toEqual([]);
    expect(at('./build.sh 2>&1 | awk -F: \'{ print $1 }\'\ncat VERSION\n')).toEqual([]);
    expect(at('./build.sh 2>&1 | sed -e "s/x/y/w out.log"\ncat out.log\n')).toHaveLength(1);
    expect(at('./build.sh 2>&1 | gawk -i inplace \'{ print }\'\ncat VERSION\n')).toHaveLength(1);
    expect(at('sudo -E ./build.sh | gzip > log.gz\ncat VERSION\n')).toEqual([]);
    // filters whose options or operands name a file they write: zstd -o, lz4 and xxd's output operand, pv -o; gawk's @include
    expect(at('./build.sh 2>&1 | zstd -q -o build.log.zst\nzstdcat build.log.zst\n')).toHaveLength(1);
    expect(at('./build.sh 2>&1 | lz4 - build.log.lz4\nlz4cat build.log.lz4\n')).toHaveLength(1);
    expect(at('./build.sh 2>&1 | xxd - build.hex\ncat build.hex\n')).toHaveLength(1);
    expect(at('./build.sh 2>&1 | pv -q -o build.log\ncat build.log\n')).toHaveLength(1);
    expect(at('./build.sh 2>&1 | gawk \'@include "save.awk"; { print }\'\ncat build.log\n')).toHaveLength(1);
    expect(at('./build.sh 2>&1 | zstd -q > log.zst\ncat VERSION\n')).toEqual([]);
    // a text a shell or a text runner runs sends the output where its own redirects, pipes and execs say
    expect(at('sh -c \'./build.sh > build.log 2>&1\'\ncat build.log\n')).toEqual([expect.stringMatching(/^ci\.sh:3 `cat build\.log` .*through `>build\.log` of the call at ci\.sh:2\)/)]);
    expect(at('su ci -c \'./build.sh 2>&1 | tee build.log\'\ncat build.log\n')).toHaveLength(1);
    expect(at('sudo sh -c \'exec > build.log 2>&1; ./build.sh\'\ncat build.log\n')).toHaveLength(1);
    expect(at('bash -c "sh -c \'./build.sh >> build.log\'"\ncat build.log\n')).toHaveLength(1);
    expect(at('sh -c \'./build.sh > other.log 2>&1\'\ncat build.log\n')).toEqual([]);
    expect(at('sh -c \'cd . && ./build.sh\'\ncat build.log\n')).toEqual([]);
    expect(at('sh -c \'. "$CONF"; ./build.sh\'\ncat build.log\n')).toHaveLength(1);
  });

  it('a file a caller sent the script\'s output to, read by a script that may run after that caller, refuses', () => {
    const at = (extra: Record<string, string>) => planFiles({ ...repo([BUILD, ...EXTRACT, RUN]), ...extra }).setups[0]!.diagnostics.filter((d) => d.code === 'REMOVED_OUTPUT_USED').map((d) => `${d.file}:${d.line} ${d.message}`);
    // a script running that caller is read as a caller itself (a few levels up), with those files
    expect(at({ 'ci.sh': '#!/bin/sh\n./build.sh > build.log 2>&1\n', 'release.sh': '#!/bin/sh\n./ci.sh\ngrep -q Successfully build.log\n' })).toEqual([expect.stringMatching(/^release\.sh:3 `grep -q Successfully build\.log` .*uses build\.log after running build\.sh \(release\.sh:2\), but it was written by .*through `>build\.log` of the call at ci\.sh:2\)/)]);
    expect(at({ 'ci.sh': '#!/bin/sh\n./build.sh > build.log 2>&1\n', 'all.sh': '#!/bin/sh\n./ci.sh\n', '.github/workflows/ci.yml': 'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ./all.sh\n      - run: grep -q Successfully build.log\n' })).toEqual([expect.stringMatching(/^\.github\/workflows\/ci\.yml:8 /)]);
    // a script beside it that does not run it may be run after it
    expect(at({ 'ci.sh': '#!/bin/sh\n./build.sh > build.log 2>&1\n', 'notes.sh': '#!/bin/sh\ntail -n 20 build.log\n' })).toEqual([expect.stringMatching(/^notes\.sh:2 .*, in notes\.sh, which may be run after build\.sh left it there, but it was written by .*through `>build\.log` of the call at ci\.sh:2\)/)]);
    expect(at({ 'ci/ci.sh': '#!/bin/sh\ncd "$(dirname "$0")/.."\n./build.sh | tee logs/build.log\n', 'tools/release.sh': '#!/bin/sh\n./ci/ci.sh\ncat logs/build.log\n' })).toEqual([expect.stringMatching(/^tools\/release\.sh:3 /)]);
    expect(at({ 'ci.sh': '#!/bin/sh\n./build.sh | tee build.log\n', 'release.sh': '#!/bin/sh\n./ci.sh\necho ok\n' })).toEqual([]);
  });

  it('a caller piping the script\'s output into a compound statement, or piping a compound statement holding the call, then reading the file, refuses', () => {
    const at = (ci: string) => planFiles({ ...repo([BUILD, ...EXTRACT, RUN]), 'ci.sh': ci }).setups[0]!.diagnostics.filter((d) => d.code === 'REMOVED_OUTPUT_USED').map((d) => `${d.file}:${d.line} ${d.message}`);
    expect(at('#!/bin/sh\nsh build.sh | while read l; do echo "$l" >> build.log; done\ngrep -q . build.log || exit 3\n')).toEqual([expect.stringMatching(/^ci\.sh:3 .*through `\| while read l; do echo "\$l" >> build\.log; done` of the call at ci\.sh:2\)/)]);
    expect(at('#!/bin/sh\nsh build.sh | { cat > build.log; }\ngrep -q . build.log\n')).toEqual([expect.stringMatching(/^ci\.sh:3 /)]);
    expect(at('#!/bin/sh\nsh build.sh | while read l; do printf "%s\\n" "$l"; done > build.log\ncat build.log\n')).toEqual([expect.stringMatching(/^ci\.sh:3 /)]);
    expect(at('#!/bin/sh\n(sh build.sh) 2>&1 | tee build.log\ngrep -q . build.log\n')).toEqual([expect.stringMatching(/^ci\.sh:3 .*through `\| tee build\.log` of the call at ci\.sh:2\)/)]);
    expect(at('#!/bin/sh\n{ echo start; sh build.sh; } | { grep -v Step; } | tee build.log > /dev/null\ncat build.log\n')).toEqual([expect.stringMatching(/^ci\.sh:3 /)]);
    // Nothing reads it afterwards, or the compound writes no file.
    expect(at('#!/bin/sh\nsh build.sh | while read l; do echo "$l" >> build.log; done\necho done\n')).toEqual([]);
    expect(at('#!/bin/sh\n(sh build.sh) 2>&1 | tee build.log\necho done\n')).toEqual([]);
    expect(at('#!/bin/sh\nsh build.sh | while read l; do echo "$l"; done\ncat build.log\n')).toEqual([]);
  });

  it('a caller piping the script\'s output into a function of its own, or piping a function that runs the script, then reading the file, refuses', () => {
    const at = (ci: string) => planFiles({ ...repo([BUILD, ...EXTRACT, RUN]), 'ci.sh': ci }).setups[0]!.diagnostics.filter((d) => d.code === 'REMOVED_OUTPUT_USED').map((d) => `${d.file}:${d.line} ${d.message}`);
    expect(at('#!/bin/sh\nsave() { tee build.log; }\nsh build.sh | save\ngrep -q . build.log\n')).toEqual([expect.stringMatching(/^ci\.sh:4 .*through `\| save` of the call at ci\.sh:3\)/)]);
    expect(at('#!/bin/sh\nsave() { cat; }\nsh build.sh | save > build.log\ngrep -q . build.log\n')).toEqual([expect.stringMatching(/^ci\.sh:4 /)]);
    expect(at('#!/bin/sh\nrun() { sh build.sh; }\nrun | tee build.log\ngrep -q . build.log\n')).toEqual([expect.stringMatching(/^ci\.sh:4 /)]);
    expect(at('#!/bin/sh\nrun() { sh build.sh; }\nrun > build.log 2>&1\ngrep -q . build.log\n')).toEqual([expect.stringMatching(/^ci\.sh:4 /)]);
    // Nothing reads it afterwards.
    expect(at('#!/bin/sh\nsave() { tee build.log; }\nsh build.sh | save\necho ok\n')).toEqual([]);
    expect(at('#!/bin/sh\nrun() { sh build.sh; }\nrun | tee build.log\necho ok\n')).toEqual([]);
    // In a CI step: a function of the step's own shell is read through; one another step defines may write anything.
    const workflow = (...steps: string[]) => ({ '.github/workflows/ci.yml': ['on: push', 'jobs:', '  image:', '    runs-on: ubuntu-latest', '    steps:', '      - uses: actions/checkout@v4', ...steps, ''].join('\n') });
    const used = (extra: Record<string, string>) => planFiles({ ...repo([BUILD, ...EXTRACT, RUN]), ...extra }).setups[0]!.diagnostics.filter((d) => d.code === 'REMOVED_OUTPUT_USED').map((d) => `${d.file}:${d.line}`);
    expect(used(workflow('      - run: |', '          save() { tee build.log; }', '          ./build.sh | save', '      - run: grep -q . build.log'))).toEqual(['.github/workflows/ci.yml:10']);
    expect(used(workflow('      - run: |', '          run() { ./build.sh; }', '          run | tee build.log', '      - run: grep -q . build.log'))).toEqual(['.github/workflows/ci.yml:10']);
    expect(used(workflow('      - run: |', '          run() { ./build.sh; }', '          run | tee build.log', '      - run: echo done'))).toEqual([]);
    expect(used(workflow('      - run: save() { tee build.log; }', '      - run: ./build.sh | save', '      - run: echo done'))).toEqual(['.github/workflows/ci.yml:8']);
  });

  it('a compound statement\'s redirect around removed commands, then a read, refuses', () => {
    const r = codes([BUILD, '{', ...EXTRACT, '} > extract.log 2>&1', RUN, 'cat extract.log']);
    expect(r.status).toBe('refused');
    // Piped on, into what writes where the script's output goes.
    expect(codes(['exec > build.log', `${BUILD} > /dev/null`, '{', ...EXTRACT, '} | cat', RUN, 'cat build.log']).used.map((d) => d.line)).toEqual([11]);
    expect(r.used[0]!.message).toMatch(/\(build\.sh:5; its output went there through the redirect `>extract\.log` of the compound statement around it\)/);
  });

  it('descriptors nothing reads afterwards, ones closed or sent elsewhere, or output captured, migrate', () => {
    expect(codes(['exec 3> build.log', BUILD, 'docker create --name x app:build >&3', ...EXTRACT.slice(1), RUN, 'echo built']).status).toBe('migrate');
    expect(codes(['exec > build.log 2>&1', BUILD, ...EXTRACT, RUN]).status).toBe('migrate');
    // Closed before the removed commands, or their output sent to /dev/null.
    expect(codes(['exec 3> build.log', 'exec 3>&-', BUILD, 'docker create --name x app:build >&3', ...EXTRACT.slice(1), RUN, 'cat build.log']).status).toBe('migrate');
    expect(codes(['exec 3> build.log', `${BUILD} > /dev/null 2>&1`, ...EXTRACT.map((c) => `${c} > /dev/null 2>&1`), RUN, 'cat build.log']).status).toBe('migrate');
    // Opened after them.
    expect(codes([BUILD, ...EXTRACT, 'exec > build.log 2>&1', RUN, 'cat build.log']).status).toBe('migrate');
  });
});
