/**
 * A command after the extraction that reads the folder holding an artifact (a tarball of it, a
 * copy of the folder), moves it, names it through a pattern, or mounts it into a container uses
 * the artifact on the host: the old run's folder held it. The migrated script must then still
 * leave it there (an export stage), or the tarball is built without the binary (src/analyze/host-uses.ts).
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const FILES = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n',
  'main.go': 'package main\n',
};
const script = (after: string) => ['#!/bin/sh', 'set -e', 'docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .', after, ''].join('\n');

function outcome(after: string) {
  const plan = planFiles({ ...FILES, 'build.sh': script(after) });
  const setup = plan.setups[0]!;
  const written = plan.changes.find((c) => c.path === 'build.sh')?.after ?? '';
  return { status: setup.status, exported: written.includes('--target export --output type=local,dest=.'), why: setup.notes.find((n) => n.startsWith('app is still needed on the host')) ?? null };
}

describe('an artifact used through the folder that holds it', () => {
  it('exports it for a tarball of the folder, saying which command reads it', () => {
    const r = outcome('tar czf release.tgz .');
    expect(r).toMatchObject({ status: 'migrate', exported: true });
    expect(r.why).toContain('`tar czf release.tgz .` (build.sh:8) reads the folder holding it');
  });

  it('exports it for a copy or a move of the folder, a pattern that may match it, and a program the tool does not model', () => {
    expect(outcome('cp -r . /tmp/release').exported).toBe(true);
    expect(outcome('mv . ../elsewhere').exported).toBe(true);
    const glob = outcome('sha256sum a* > SUMS');
    expect(glob.exported).toBe(true);
    expect(glob.why).toContain('names it through a pattern');
    expect(outcome('./package.sh .').exported).toBe(true);
  });

  it('exports it for a pattern the shell expands after a quoted part (`"$D"/*`), but not for a quoted one', () => {
    // The `*` is outside the quotes: the shell expands "$D"/* into the names in the folder.
    const glob = outcome('D=.\nsha256sum "$D"/a* > SUMS');
    expect(glob.exported).toBe(true);
    expect(glob.why).toContain('names it through a pattern');
    expect(outcome('P=a*\nsha256sum $P > SUMS').exported).toBe(true);
    // Quoted whole, the `*` is a character of the name: no file of that name is extracted.
    expect(outcome('sha256sum "a*" > SUMS || true').exported).toBe(false);
  });

  it('exports it for a pattern given to a program that reads no path (`echo ap?`): the shell expands it first', () => {
    const r = outcome('echo ap? > LIST');
    expect(r.exported).toBe(true);
    expect(r.why).toContain('`echo ap?` (build.sh:8) names it through a pattern');
    expect(outcome("printf '%s\\n' * > LIST").exported).toBe(true);
    // Quoted or escaped, the shell leaves it alone.
    expect(outcome("echo 'ap?' > LIST").exported).toBe(false);
    expect(outcome('n=$(expr 2 \\* 3)\necho "$n" > N').exported).toBe(false);
  });

  it('exports it for a pattern among the items of a `for` loop, whatever the body does with the names', () => {
    const r = outcome('for f in a*; do echo "$f"; done > LIST');
    expect(r.exported).toBe(true);
    expect(r.why).toContain('names it through a pattern');
    expect(outcome('P="ap? docs"\nfor f in $P; do echo "$f"; done > LIST').exported).toBe(true);
    expect(outcome('for f in "a*"; do echo "$f"; done > LIST').exported).toBe(false);
    expect(outcome('for f in api web; do echo "$f"; done > LIST').exported).toBe(false);
  });

  it('exports it for a pattern among the elements of an array (`files=(a*)`, `local files=(a*)`)', () => {
    expect(outcome('files=(a*)\necho "${files[@]}" > LIST').exported).toBe(true);
    expect(outcome('list() { local files=(a*); echo "${files[@]}"; }\nlist > LIST').exported).toBe(true);
    expect(outcome('files=("a*" b)\necho "${files[@]}" > LIST').exported).toBe(false);
  });

  it('exports it for a listing of the folder it runs in, given no operand, that a file or a pipe receives', () => {
    expect(outcome('ls > FILES').exported).toBe(true);
    expect(outcome('files=$(ls)\necho "$files" > FILES').exported).toBe(true);
    expect(outcome('du -a > SIZES').exported).toBe(true);
    // Printed to the terminal, it succeeds either way: a report, not a result.
    expect(outcome('ls -l').exported).toBe(false);
    expect(outcome('ls -la | grep -v foo').exported).toBe(false);
  });

  it('exports it for a loop or a group reading it on its input (`done < app`, `done < <(ls)`)', () => {
    expect(outcome('while read -r line; do echo "$line"; done < app > COPY').exported).toBe(true);
    expect(outcome('while read -r f; do echo "$f"; done < <(ls) > FILES').exported).toBe(true);
    expect(outcome('{ read -r first; echo "$first"; } < app > HEAD').exported).toBe(true);
    // The group's output is no input: it only writes.
    expect(outcome('{ echo a; echo b; } > NOTES').exported).toBe(false);
  });

  it('exports it for a file bash reads itself (`$(< app)`) and for a copy whose one operand expands to its source and destination', () => {
    expect(outcome('V=$(< app)\necho "$V" > COPY').exported).toBe(true);
    expect(outcome('echo "$(< app)" > COPY').exported).toBe(true);
    expect(outcome('cp app{,.bak}').exported).toBe(true);
  });

  it('exports it for a tar that changes into its folder first and names it there (-C, --directory)', () => {
    const inOut = (after: string) => {
      const text = script(after).replace('docker build -t app:build', 'mkdir -p out\ndocker build -t app:build').replace('x:/out/app ./app', 'x:/out/app out/app');
      const plan = planFiles({ ...FILES, Dockerfile: 'FROM alpine:3.19\nCOPY out/app /usr/local/bin/app\n', 'build.sh': text });
      return { after: plan.changes.find((c) => c.path === 'build.sh')?.after ?? '', notes: plan.setups[0]!.notes.join('\n') };
    };
    for (const after of ['tar -C out -czf app.tgz app', 'tar --directory=out -czf app.tgz app', 'tar czf app.tgz --directory out app']) {
      const r = inOut(after);
      expect([after, r.after.includes('--target export --output type=local,dest=out')]).toEqual([after, true]);
      expect(r.notes).toContain(`\`${after}\` (build.sh:9) reads it`);
    }
    // Another file in that folder is no use of the artifact.
    expect(inOut('tar -C out -czf notes.tgz NOTES').after).not.toContain('--target export');
  });

  it("keeps it for a read through bash's `~+` (the folder it runs in) or `~-`, as through `$PWD`", () => {
    for (const after of ['sha256sum ~+/app', 'sha256sum "$PWD/app"', 'cp ~-/app /tmp/app']) {
      const r = outcome(after);
      expect([after, r.status, r.exported]).toEqual([after, 'migrate', true]);
    }
  });

  it('exports it for a container given the folder', () => {
    const r = outcome('docker run --rm -v "$PWD":/w alpine:3.19 ls /w');
    expect(r.exported).toBe(true);
    expect(r.why).toContain('mounts the folder holding it');
  });

  it('exports it for a container given the artifact itself, by -v or --mount, or a path inside an extracted folder', () => {
    for (const after of ['docker run --rm -v "$PWD/app:/usr/local/bin/app" alpine:3.19 app --version', 'docker run --rm -v ./app:/app:ro alpine:3.19 /app', 'docker run --rm --mount type=bind,src=./app,dst=/app alpine:3.19 /app']) {
      const r = outcome(after);
      expect([after, r.status, r.exported]).toEqual([after, 'migrate', true]);
      expect(r.why).toContain('mounts it:');
    }
    const folder = planFiles({ ...FILES, 'build.sh': script('docker run --rm -v "$PWD/out/bin:/opt/bin" alpine:3.19 /opt/bin/app').replace('x:/out/app ./app', 'x:/out ./out'), Dockerfile: 'FROM alpine:3.19\nCOPY out/ /usr/local/\n' });
    expect(folder.changes.find((c) => c.path === 'build.sh')?.after).toContain('--target export --output type=local,dest=. -f Dockerfile .');
  });

  it('does not count a container given another host path, or a named volume', () => {
    for (const after of ['docker run --rm -v "$PWD/conf:/conf" alpine:3.19 ls /conf', 'docker run --rm -v app:/data alpine:3.19 ls /data']) expect([after, outcome(after).exported]).toEqual([after, false]);
  });

  it('does not count a removal, a mode change or a listing printed to the terminal', () => {
    for (const after of ['rm -rf ./tmp .cache', 'chmod -R go-w .', 'ls -l .', 'du -sh .']) expect(outcome(after)).toMatchObject({ status: 'migrate', exported: false, why: null });
  });

  it('counts a listing that is written to a file', () => {
    expect(outcome('ls -l . > MANIFEST').exported).toBe(true);
  });

  it('does not count what reads the folder before the artifact is in it', () => {
    const plan = planFiles({ ...FILES, 'build.sh': script('').replace('docker create', 'tar czf src.tgz .\ndocker create') });
    expect(plan.setups[0]!.status).toBe('migrate');
    expect(plan.changes.find((c) => c.path === 'build.sh')!.after).not.toContain('--target export');
  });

  it('exports it for a command reading or moving a path only known at run time', () => {
    const cases: [string, string][] = [
      ['sha256sum "$BIN"', 'reads "$BIN", a path only known at run time'],
      ['cp "$DIST"/app release/', 'reads "$DIST"/app'],
      ['tar czf out.tgz -C "$OUT_DIR" .', 'reads .'],
      ['[ -x "$1" ] || exit 1', 'reads "$1"'],
      ['mv "$OUT"/app dist/', 'moves "$OUT"/app'],
      ['cat < "$IN"', 'reads "$IN"'],
    ];
    for (const [after, why] of cases) {
      const r = outcome(after);
      expect(r, after).toMatchObject({ status: 'migrate', exported: true });
      expect(r.why, after).toContain(why);
    }
  });

  it('does not count a test of a string, a copy to a run-time destination, or a run-time word given to another program', () => {
    for (const after of ['[ -n "$PUBLISH" ] && echo publishing', 'test -z "$X" || echo "$X"', '[ "$MODE" = app ] && echo ok', 'cp README.md "$DEST"/', 'git tag "$VERSION"', 'mv notes.txt "$DEST"']) {
      expect(outcome(after), after).toMatchObject({ status: 'migrate', exported: false, why: null });
    }
  });

  it('keeps every artifact a folder read, a run-time path or a run-time mount may reach, not only the first', () => {
    const files = {
      ...FILES,
      'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app . && echo port=1 > /out/app.conf\n',
      Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCOPY app.conf /etc/app.conf\nCMD ["app"]\n',
    };
    const twoOut = (after: string) => script(after).replace('docker cp x:/out/app ./app', 'docker cp x:/out/app ./app\ndocker cp x:/out/app.conf ./app.conf');
    for (const after of ['tar czf release.tgz .', 'sha256sum "$BIN" > SUMS', 'docker run --rm -v "$DIR":/w alpine:3.19 ls /w', 'cp app app.conf release/']) {
      const plan = planFiles({ ...files, 'build.sh': twoOut(after) });
      const setup = plan.setups[0]!;
      expect(setup.status, after).toBe('migrate');
      expect(setup.notes, after).toContain('the stage `export` holds app, app.conf for the host: `docker build --target export --output type=local,dest=…` writes them where the extraction did');
    }
  });
});
