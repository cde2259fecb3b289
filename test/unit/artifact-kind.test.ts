/**
 * A renamed artifact copied into a folder lands under its host name if it is a file and as
 * its contents if it is a folder: the merge writes the COPY only where the Dockerfiles prove
 * which it is, and refuses (RENAME_AMBIGUOUS_DEST) otherwise.
 */
import { describe, expect, it } from 'vitest';
import { readDockerfile } from '../../src/analyze/dockerfile.js';
import { artifactKind } from '../../src/plan/artifact-kind.js';
import { applied, planFiles } from '../support/plan.js';

const kind = (builder: string, stagePath = '/out/app', runtime = 'FROM alpine:3.19\nCOPY gateway /usr/local/bin/\n', appended: string[] = [], buildArgs: ReadonlyMap<string, string | null> | null = new Map()) => {
  const b = readDockerfile('Dockerfile.build', builder);
  return artifactKind({ stagePath, builder: b, builderStage: b.stages.length - 1, appended, runtime: readDockerfile('Dockerfile', runtime), copy: 0, hostBase: 'gateway', buildArgs });
};

describe('what the builder proves about a path', () => {
  it('a compiler output is a file', () => {
    expect(kind('FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\n')).toBe('file');
    expect(kind('FROM golang:1.21\nWORKDIR /src\nRUN go build -ldflags "-s -w" -o=/out/app ./cmd/gw\n')).toBe('file');
    expect(kind('FROM gcc:13\nWORKDIR /out\nCOPY main.c .\nRUN gcc -O2 -o app main.c\n')).toBe('file');
    expect(kind('FROM gcc:13\nWORKDIR /build\nCOPY main.c .\nRUN gcc -O2 -o app main.c && cp app /out/\n', '/build/app')).toBe(null); // `cp app` names it again
    expect(kind('FROM gcc:13\nWORKDIR /build\nCOPY main.c .\nRUN gcc -O2 -o app main.c\n', '/build/app')).toBe('file');
    expect(kind('FROM gcc:13\nWORKDIR /build\nCOPY main.c .\nRUN cd sub && cc -oapp main.c\n', '/build/sub/app')).toBe('file');
  });

  it('a build at run time, appended as an exec-form RUN, proves it too', () => {
    expect(kind('FROM golang:1.21\nWORKDIR /src\nCOPY . .\n', '/out/app', undefined, ['RUN ["go", "build", "-o", "/out/app", "."]'])).toBe('file');
  });

  it('a path named by anything else is not proven a file', () => {
    expect(kind('FROM golang:1.21\nRUN go build -o /out/app . && mv /tmp/x /out/app\n')).toBe(null);
    expect(kind('FROM golang:1.21\nRUN go build -o /out/app .\nCOPY extra /out/app\n')).toBe(null);
    expect(kind('FROM golang:1.21\nENV OUT=/out/app\nRUN go build -o /out/app .\n')).toBe(null);
    expect(kind('FROM golang:1.21\nRUN go build -o /out/app/ .\n')).toBe('folder');
    expect(kind('FROM golang:1.21\nRUN make\n')).toBe(null);
    expect(kind('FROM golang:1.21\nRUN go build -o "$OUT" .\n')).toBe(null);
  });

  it('an output path through an ENV or ARG with a static value is that path', () => {
    expect(kind('FROM golang:1.21\nENV OUT_DIR=/out\nRUN go build -o ${OUT_DIR}/app .\n')).toBe('file');
    expect(kind('FROM golang:1.21\nENV OUT_DIR /out\nRUN go build -o "$OUT_DIR/app" .\n')).toBe('file');
    expect(kind('FROM golang:1.21\nARG OUT_DIR=/out\nRUN go build -o ${OUT_DIR}/app .\n')).toBe('file');
    // a bare ARG takes the global default
    expect(kind('ARG OUT_DIR=/out\nFROM golang:1.21\nARG OUT_DIR\nRUN go build -o $OUT_DIR/app .\n')).toBe('file');
    // an ENV reaches a stage started FROM its stage; an ARG does not
    expect(kind('FROM golang:1.21 AS base\nENV OUT_DIR=/out\nFROM base\nRUN go build -o ${OUT_DIR}/app .\n')).toBe('file');
    expect(kind('FROM golang:1.21 AS base\nARG OUT_DIR=/out\nFROM base\nRUN go build -o ${OUT_DIR}/app .\n')).toBe(null);
  });

  it('an output path through an ARG a --build-arg gives a value is the path that value makes', () => {
    const builder = 'FROM golang:1.21\nARG OUT_DIR=/out\nRUN go build -o ${OUT_DIR}/app .\n';
    expect(kind(builder, '/opt/out/app', undefined, [], new Map([['OUT_DIR', '/opt/out']]))).toBe('file');
    expect(kind(builder, '/out/app', undefined, [], new Map([['OUT_DIR', '/opt/out']]))).toBe(null);
  });

  it('an output path through a variable is not proven when its value is not static, or the path is named again through it', () => {
    // a --build-arg of the build whose value is only known at run time sets the ARG (null: the build's arguments are not known)
    expect(kind('FROM golang:1.21\nARG OUT_DIR=/out\nRUN go build -o ${OUT_DIR}/app .\n', undefined, undefined, [], new Map([['OUT_DIR', null]]))).toBe(null);
    expect(kind('FROM golang:1.21\nARG OUT_DIR=/out\nRUN go build -o ${OUT_DIR}/app .\n', undefined, undefined, [], null)).toBe(null);
    expect(kind('FROM golang:1.21\nENV OUT_DIR=$HOME/out\nRUN go build -o ${OUT_DIR}/app .\n', '/root/out/app')).toBe(null);
    expect(kind('FROM golang:1.21\nRUN go build -o ${OUT_DIR}/app .\n')).toBe(null); // the image's ENV, unknown here
    expect(kind('FROM golang:1.21\nENV OUT_DIR=/out\nRUN go build -o ${OUT_DIR}/app . && cp ${OUT_DIR}/app /srv/\n')).toBe(null);
    expect(kind('FROM golang:1.21\nENV OUT_DIR=/out\nVOLUME ${OUT_DIR}/app\nRUN go build -o ${OUT_DIR}/app .\n')).toBe(null);
    expect(kind('FROM golang:1.21\nENV OUT_DIR=/out\nRUN go build -o ${OUT_DIR}/app/ .\n')).toBe('folder');
  });

  it('a chmod, chown, ls or test of the compiled file keeps it proven a file', () => {
    expect(kind('FROM golang:1.21\nRUN go build -o /out/app .\nRUN chmod 0750 /out/app\n')).toBe('file');
    expect(kind('FROM golang:1.21\nENV OUT_DIR=/out\nRUN go build -o ${OUT_DIR}/app .\nRUN chmod 0700 ${OUT_DIR}/app && chown 65534:65534 ${OUT_DIR}/app\n')).toBe('file');
    expect(kind('FROM golang:1.21\nENV OUT_DIR=/out\nRUN go build -o ${OUT_DIR}/app . && ls ${OUT_DIR}/app && test -x ${OUT_DIR}/app\n')).toBe('file');
    expect(kind('FROM gcc:13\nWORKDIR /out\nRUN gcc -o app main.c && chmod +x app\n')).toBe('file');
    // …but not a command that may replace it, nor a mention the tool cannot follow
    expect(kind('FROM golang:1.21\nRUN go build -o /out/app .\nRUN chmod 0750 /out/app && mv /tmp/x /out/app\n')).toBe(null);
    expect(kind('FROM golang:1.21\nRUN go build -o /out/app .\nRUN sh -c "chmod 0750 /out/app"\n')).toBe(null);
    // …and without an output, a chmod does not tell a file from a folder, whatever the runtime runs
    expect(kind('FROM golang:1.21\nRUN make && chmod +x /out/app\n', '/out/app', 'FROM alpine:3.19\nCOPY gateway /usr/local/bin/\nENTRYPOINT ["/usr/local/bin/gateway"]\n')).toBe(null);
  });

  it('what the stage\'s CMD or ENTRYPOINT names does not count (it does not run when a stage copies from it)', () => {
    expect(kind('FROM golang:1.21\nRUN go build -o /out/app .\nENTRYPOINT cat /out/app\n')).toBe('file');
    expect(kind('FROM golang:1.21\nENV OUT_DIR=/out\nRUN go build -o ${OUT_DIR}/app .\nCMD ["cat", "${OUT_DIR}/app"]\n')).toBe('file');
    // …but a RUN still does
    expect(kind('FROM golang:1.21\nRUN go build -o /out/app .\nRUN cat /out/app > /tmp/x\nCMD ["true"]\n')).toBe(null);
  });

  it('an exec-form `sh -c` script (a build the container ran, appended) is read as shell', () => {
    expect(kind('FROM golang:1.21\nWORKDIR /src\nCMD ["sh", "-c", "go build -o /out/app . && echo built"]\n', '/out/app', undefined, ['RUN ["sh", "-c", "go build -o /out/app . && echo built"]'])).toBe('file');
    expect(kind('FROM golang:1.21\nRUN ["/bin/bash", "-c", "go build -o /out/app . && mv /tmp/x /out/app"]\n')).toBe(null);
  });

  it('does not read /out/app in /out/apple', () => {
    expect(kind('FROM golang:1.21\nRUN go build -o /out/app . && cp /out/app /out/apple\n')).toBe(null);
    expect(kind('FROM golang:1.21\nRUN go build -o /out/app . && echo x > /out/apple.txt\n')).toBe('file');
  });

  it('something made under the path makes it a folder', () => {
    expect(kind('FROM node:20\nWORKDIR /app\nRUN npm run build && mkdir -p /app/dist/assets\n', '/app/dist')).toBe('folder');
    expect(kind('FROM golang:1.21\nRUN go build -o /out/bin/app . && mkdir -p /out/share\n', '/out')).toBe('folder');
    expect(kind('FROM golang:1.21\nCOPY conf/ /out/etc/\n', '/out')).toBe('folder');
    expect(kind('FROM golang:1.21\nWORKDIR /out\nRUN make\n', '/out')).toBe('folder');
    // …unless a command replaces the path itself.
    expect(kind('FROM golang:1.21\nRUN mkdir -p /out/share && rm -rf /out && go build -o /out .\n', '/out')).toBe(null);
  });

  it('only the builder stage and the stages it starts from count', () => {
    expect(kind('FROM golang:1.21 AS other\nRUN mkdir -p /out/app/x\nFROM golang:1.21\nRUN go build -o /out/app .\n')).toBe('file');
    // The base stage made a folder there, which the later -o then names: not proven either way.
    expect(kind('FROM golang:1.21 AS base\nRUN mkdir -p /out/app/x\nFROM base\nRUN go build -o /out/app .\n')).toBe(null);
    expect(kind('FROM golang:1.21 AS base\nRUN mkdir -p /out/app/x\nFROM base\nRUN make\n')).toBe('folder');
  });

  it('a runtime that runs the landed file proves a file', () => {
    const builder = 'FROM golang:1.21\nRUN make\n';
    expect(kind(builder, '/out/app', 'FROM alpine:3.19\nCOPY gateway /usr/local/bin/\nENTRYPOINT ["/usr/local/bin/gateway"]\n')).toBe('file');
    expect(kind(builder, '/out/app', 'FROM alpine:3.19\nCOPY gateway /usr/local/bin/\nCMD ["gateway", "--port", "80"]\n')).toBe('file');
    expect(kind(builder, '/out/app', 'FROM alpine:3.19\nCOPY gateway /usr/local/bin/\nCMD gateway --port 80\n')).toBe('file');
    expect(kind(builder, '/out/app', 'FROM alpine:3.19\nCOPY gateway /opt/\nCMD ["gateway"]\n')).toBe(null); // /opt is on no PATH
    expect(kind(builder, '/out/app', 'FROM alpine:3.19\nENV PATH=/opt\nCOPY gateway /usr/local/bin/\nCMD ["gateway"]\n')).toBe(null);
    expect(kind(builder, '/out/app', 'FROM alpine:3.19\nCOPY gateway /usr/local/bin/\nCMD ["/usr/local/bin/other"]\n')).toBe(null);
    // The builder making something under the path outweighs the runtime's hint.
    expect(kind('FROM golang:1.21\nRUN mkdir -p /out/app/bin && make\n', '/out/app', 'FROM alpine:3.19\nCOPY gateway /usr/local/bin/\nENTRYPOINT ["/usr/local/bin/gateway"]\n')).toBe('folder');
  });
});

const SCRIPT = (cp: string, rm: string) => `#!/bin/sh\nset -e\ndocker build -t gw:build -f Dockerfile.build .\ndocker create --name x gw:build\ndocker cp ${cp}\ndocker rm x\ndocker build -t gw:latest .\nrm -rf ${rm}\n`;

describe('planning a renamed artifact copied into a folder', () => {
  it('names a proven file in full in the destination', () => {
    const files = { 'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n', Dockerfile: 'FROM alpine:3.19\nCOPY gateway /usr/local/bin/\nENTRYPOINT ["gateway"]\n', 'build.sh': SCRIPT('x:/out/app ./gateway', 'gateway') };
    const plan = planFiles(files);
    expect(plan.setups[0]!.status).toBe('migrate');
    expect(applied(files, plan)['Dockerfile']).toBe('FROM golang:1.21 AS builder\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n\nFROM alpine:3.19\nCOPY --from=builder --chown=0:0 /out/app /usr/local/bin/gateway\nENTRYPOINT ["gateway"]\n');
  });

  it('copies a proven folder\'s contents as before', () => {
    const files = { 'Dockerfile.build': 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm run build && mkdir -p /app/dist/assets\n', Dockerfile: 'FROM alpine:3.19\nCOPY public/ /srv/www/\n', 'build.sh': SCRIPT('x:/app/dist ./public', 'public') };
    const plan = planFiles(files);
    expect(plan.setups[0]!.status).toBe('migrate');
    expect(applied(files, plan)['Dockerfile']).toContain('COPY --from=builder --chown=0:0 /app/dist /srv/www/\n');
  });

  it('names a file built to a path through an ARG in full, also where a --build-arg gives it a value; refuses when one may move it', () => {
    const builder = 'FROM golang:1.21\nARG OUT_DIR=/out\nWORKDIR /src\nCOPY main.go .\nRUN go build -o ${OUT_DIR}/app .\n';
    const files = { 'Dockerfile.build': builder, Dockerfile: 'FROM alpine:3.19\nCOPY gateway /usr/local/bin/\n', 'build.sh': SCRIPT('x:/out/app ./gateway', 'gateway') };
    const plan = planFiles(files);
    expect(plan.setups[0]!.status).toBe('migrate');
    expect(applied(files, plan)['Dockerfile']).toContain('COPY --from=builder --chown=0:0 /out/app /usr/local/bin/gateway\n');
    // the value the script gives: the merged build passes it too
    const given = { ...files, 'build.sh': files['build.sh'].replace('docker build -t gw:build', 'docker build --build-arg OUT_DIR=/out -t gw:build') };
    const planned = planFiles(given);
    expect(planned.setups[0]!.status).toBe('migrate');
    const out = applied(given, planned);
    expect(out['Dockerfile']).toContain('COPY --from=builder --chown=0:0 /out/app /usr/local/bin/gateway\n');
    expect(out['build.sh']).toContain('docker build --build-arg OUT_DIR=/out -t gw:latest .');
    // one only known at run time may move it
    const moved = { ...files, 'build.sh': files['build.sh'].replace('docker build -t gw:build', 'docker build --build-arg OUT_DIR="$OUT_DIR" -t gw:build') };
    expect(planFiles(moved).setups[0]!.diagnostics.map((d) => d.code)).toContain('RENAME_AMBIGUOUS_DEST');
  });

  it('still refuses what nothing proves, and says which line and why', () => {
    const files = { 'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN make\n', Dockerfile: 'FROM alpine:3.19\nCOPY gateway /usr/local/bin/\n', 'build.sh': SCRIPT('x:/out/app ./gateway', 'gateway') };
    const plan = planFiles(files);
    expect(plan.setups[0]!.status).toBe('refused');
    expect(plan.setups[0]!.diagnostics.map((d) => d.code)).toEqual(['RENAME_AMBIGUOUS_DEST']);
    const d = plan.setups[0]!.diagnostics[0]!;
    expect(d.message).toContain('`COPY … /usr/local/bin/`');
    expect(d.message).toContain('no `go build -o` or `cc -o` of Dockerfile.build writes /out/app');
    const moved = { ...files, 'Dockerfile.build': 'FROM golang:1.21\nRUN go build -o /out/app . && mv /tmp/x /out/app\n' };
    expect(planFiles(moved).setups[0]!.diagnostics[0]!.message).toContain('`mv` in Dockerfile.build names /out/app');
  });

  it('names a file chmod-ed in the builder in full, in a JSON-form line, a relative destination and one through a variable', () => {
    const builder = 'FROM golang:1.21\nENV OUT_DIR=/out\nWORKDIR /src\nCOPY main.go .\nRUN go build -o ${OUT_DIR}/app .\nRUN chmod 0750 ${OUT_DIR}/app\n';
    const cases: [string, string][] = [
      ['WORKDIR /app\nCOPY ["gate way", "./"]\n', 'COPY --from=builder --chown=0:0 ["/out/app", "./gate way"]\n'],
      ['ENV BIN=/usr/local/bin\nCOPY --chmod=0755 ["gate way", "${BIN}/"]\n', 'COPY --chmod=0755 --from=builder --chown=0:0 ["/out/app", "${BIN}/gate way"]\n'],
    ];
    for (const [runtime, merged] of cases) {
      const files = { 'Dockerfile.build': builder, Dockerfile: `FROM alpine:3.19\n${runtime}`, 'build.sh': SCRIPT('x:/out/app "./gate way"', '"gate way"') };
      const plan = planFiles(files);
      expect(plan.setups[0]!.status).toBe('migrate');
      expect(applied(files, plan)['Dockerfile']).toContain(merged);
    }
  });

  it('refuses a host name the destination cannot hold as written', () => {
    const files = { 'Dockerfile.build': 'FROM golang:1.21\nRUN go build -o /out/app .\n', Dockerfile: 'FROM alpine:3.19\nCOPY ["gate$", "/usr/local/bin/"]\n', 'build.sh': SCRIPT("x:/out/app './gate$'", "'gate$'") };
    const d = planFiles(files).setups[0]!.diagnostics.find((x) => x.code === 'RENAME_AMBIGUOUS_DEST');
    expect(d?.message).toContain('its host name "gate$" holds `$` or a backslash');
    // (`gate$way` in a COPY is `gate` and the variable `way`: a source read through a variable, src/analyze/copy-variables.ts)
    const named = { ...files, Dockerfile: 'FROM alpine:3.19\nCOPY ["gate$way", "/usr/local/bin/"]\n', 'build.sh': SCRIPT("x:/out/app './gate$way'", "'gate$way'") };
    expect(planFiles(named).setups[0]!.diagnostics.map((x) => x.code)).toEqual(['DYNAMIC_ARTIFACT_PATH']);
  });

  it('a destination not spelled as a folder that is one: made by the stage, named in full; one base images hold, refused', () => {
    const builder = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
    const files = (runtime: string) => ({ 'Dockerfile.build': builder, Dockerfile: runtime, 'build.sh': SCRIPT('x:/out/app ./gateway', 'gateway') });
    // `COPY gateway /usr/local/bin` lands /usr/local/bin/gateway where the image holds that folder
    const common = planFiles(files('FROM alpine:3.19\nCOPY gateway /usr/local/bin\n')).setups[0]!;
    expect(common.diagnostics.map((d) => d.code)).toEqual(['RENAME_AMBIGUOUS_DEST']);
    expect(common.diagnostics[0]!.message).toContain('/usr/local/bin may be a folder the base image `alpine:3.19` holds, which the tool does not see: inside it the file landed as /usr/local/bin/gateway, else as /usr/local/bin');
    // Any path may be a folder of the base image, spelled relative to the stage's WORKDIR or not, or named through a variable.
    for (const [runtime, why] of <[string, string][]>[
      ['FROM alpine:3.19\nCOPY gateway usr/local/bin\n', 'the destination `usr/local/bin` is relative, and the stage has no WORKDIR the tool can read'],
      ['FROM alpine:3.19\nWORKDIR /usr/local\nCOPY gateway bin\n', '/usr/local/bin may be a folder the base image'],
      ['FROM debian:12\nCOPY gateway /etc/ssl/private\n', '/etc/ssl/private may be a folder the base image'],
      ['FROM alpine:3.19\nENV D=/usr/local/bin\nCOPY gateway $D\n', 'the destination `$D` is written with a variable'],
      ['FROM scratch\nCOPY rootfs/ /\nCOPY gateway /usr/local/bin\n', 'COPY (line 2) may have made a folder at /usr/local/bin'],
    ]) {
      const d = planFiles({ ...files(runtime), 'rootfs/usr/local/bin/x': 'x\n' }).setups[0]!.diagnostics;
      expect(d.map((x) => x.code), runtime).toEqual(['RENAME_AMBIGUOUS_DEST']);
      expect(d[0]!.message, runtime).toContain(why);
    }
    for (const [runtime, merged] of <[string, string][]>[
      ['FROM alpine:3.19\nWORKDIR /srv/gw\nCOPY gateway /srv/gw\n', 'COPY --from=builder --chown=0:0 /out/app /srv/gw/gateway\n'],
      ['FROM alpine:3.19\nCOPY gateway.conf /etc/gw/\nCOPY gateway /etc/gw\n', 'COPY --from=builder --chown=0:0 /out/app /etc/gw/gateway\n'],
      // named in full, or into an image that holds nothing
      ['FROM alpine:3.19\nCOPY gateway /usr/local/bin/gateway\n', 'COPY --from=builder --chown=0:0 /out/app /usr/local/bin/gateway\n'],
      ['FROM scratch\nCOPY gateway /usr/local/bin\n', 'COPY --from=builder --chown=0:0 /out/app /usr/local/bin\n'],
      ['FROM scratch\nCOPY gateway.conf /etc/\nCOPY gateway usr/local/bin\n', 'COPY --from=builder --chown=0:0 /out/app usr/local/bin\n'],
      ['FROM alpine:3.19\nWORKDIR /usr/local\nCOPY gateway bin/gateway\n', 'COPY --from=builder --chown=0:0 /out/app bin/gateway\n'],
    ]) {
      const f = { ...files(runtime), 'gateway.conf': 'x\n' };
      const plan = planFiles(f);
      expect(plan.setups[0]!.status, `${runtime}: ${JSON.stringify(plan.setups[0]!.diagnostics)}`).toBe('migrate');
      expect(applied(f, plan)['Dockerfile']).toContain(merged);
    }
  });

  it('a compiler output into a folder base images hold (`go build -o /go/bin`) is no file', () => {
    expect(kind('FROM golang:1.21\nWORKDIR /go/src/app\nCOPY main.go .\nRUN go build -o /go/bin .\n', '/go/bin')).toBe(null);
    expect(kind('FROM golang:1.21\nWORKDIR /go/src/app\nCOPY main.go .\nRUN go build -o /go/bin/app .\n', '/go/bin/app')).toBe('file');
  });

  it('refuses a proven file among several sources, whose destination cannot name it', () => {
    const files = { 'Dockerfile.build': 'FROM golang:1.21\nRUN go build -o /out/app .\n', Dockerfile: 'FROM alpine:3.19\nCOPY gateway gateway.conf /usr/local/bin/\n', 'gateway.conf': 'x\n', 'build.sh': SCRIPT('x:/out/app ./gateway', 'gateway') };
    expect(planFiles(files).setups[0]!.diagnostics.map((d) => d.code)).toContain('RENAME_AMBIGUOUS_DEST');
  });
});
