/**
 * fast-check generators for property tests: random but plausible builder-pattern repositories
 * (a builder Dockerfile, a runtime Dockerfile, a script driving them) with noise around every
 * part, where every generated line carries a tag saying what it is. The tags let a property
 * say exactly which lines the tool may remove or rewrite, and check every other byte is kept.
 */
import fc from 'fast-check';

export type Tag =
  | 'shebang'
  | 'noise' // code unrelated to the setup: must survive byte for byte
  | 'comment' // may go only with a paragraph whose commands all went
  | 'blank' // may go where a deletion leaves blank lines doubled
  | 'setup' // a command of the setup that must go (builder build, extraction, cleanup)
  | 'final'; // the final build: only flags may be inserted after `docker build`

export interface Line {
  text: string; // without terminator
  tag: Tag;
}

export interface GenFile {
  lines: Line[];
  eol: string;
  bom: boolean;
}

export const render = (f: GenFile): string => (f.bom ? '\uFEFF' : '') + f.lines.map((l) => l.text + f.eol).join('');

/** A run of text with its lines (a multi-line snippet such as a heredoc or a continuation). */
const snippet = (tag: Tag, ...texts: string[]): Line[] => texts.map((text) => ({ text, tag }));

// ---------------------------------------------------------------- shell

const SHELL_NOISE: Line[][] = [
  snippet('noise', 'echo hello'),
  snippet('noise', 'echo "Building $TAG_NAME"'),
  snippet('noise', "printf '%s\\n' 'a b'"),
  snippet('noise', 'set -eu'),
  snippet('noise', 'ls -la | grep -v foo'),
  snippet('noise', 'FOO=bar'),
  snippet('noise', 'true && echo ok'),
  snippet('noise', 'if [ -n "${X:-}" ]; then echo x; fi'),
  snippet('noise', 'for f in a b; do echo "$f"; done'),
  snippet('noise', 'echo trailing   '),
  snippet('noise', '\techo tab'),
  // (not PATH: a PATH changed between the builds may find another docker, refused FLAG_CONFLICT)
  snippet('noise', 'export LC_ALL=C'),
  snippet('noise', 'date > /dev/null'),
  snippet('noise', 'docker ps'),
  snippet('noise', 'docker images | head -n 3'),
  snippet('noise', 'docker push other/image:1'),
  snippet('noise', "cat <<'EOF'", 'hello $USER', 'EOF'),
  snippet('noise', 'echo one \\', '  two'),
  snippet('noise', 'echo "ünïcödé ✓"'),
  snippet('comment', '# a comment'),
  snippet('comment', '  # an indented comment'),
  snippet('blank', ''),
  snippet('blank', '   '),
];

/** With CRLF, `EOF\r` ends no heredoc and `\\\r` continues no line (in bash either): those snippets are LF-only. */
const LF_ONLY = (l: Line[]) => l.length > 1;
const shellNoise = (eol: string) => fc.array(fc.constantFrom(...SHELL_NOISE.filter((n) => eol === '\n' || !LF_ONLY(n))), { maxLength: 3 }).map((xs) => xs.flat());

/** A word as the shell would read it, written plainly or quoted. */
const quoted = (w: string) => fc.constantFrom(w, `'${w}'`, `"${w}"`);
const dquotedOrPlain = (w: string) => fc.constantFrom(w, `"${w}"`);

export interface RepoCase {
  dir: string; // '' or 'svc'
  script: GenFile;
  scriptName: string;
  builder: GenFile;
  runtime: GenFile;
  /** Raw flags the final build should gain, in order. */
  carried: string[];
  /** The stage the COPY lines now read from. */
  stage: string;
  containerPath: string;
  /** How the consumer COPY line must read after the migration. */
  consumerAfter: string;
}

const buildArg = fc.record({
  name: fc.constantFrom('HTTP_PROXY_X', 'GOFLAGS_X', 'VERSION_X'),
  value: fc.constantFrom('v1', '"a b"', '$HOME', "'q r'", '${BUILD_ID:-dev}'),
  eq: fc.boolean(),
});

const scriptCase = fc
  .constantFrom('\n', '\r\n')
  .chain((eol) => fc.record({
    eol: fc.constant(eol),
    shebang: fc.constantFrom('#!/bin/sh', '#!/bin/bash', '#!/usr/bin/env bash'),
    image: fc.constantFrom('img', 'acme/app', 'registry.example.com:5000/team/app'),
    useVar: fc.boolean(),
    container: fc.constantFrom('extract', 'tmp_c', 'x-1'),
    containerPath: fc.constantFrom('/go/app', '/go/src/github.com/x/y/app'),
    host: fc.constantFrom('./app', 'app'),
    args: fc.uniqueArray(buildArg, { selector: (a) => a.name, maxLength: 2 }),
    fFirst: fc.boolean(),
    createVerb: fc.constantFrom('docker create', 'docker container create'),
    cpVerb: fc.constantFrom('docker cp', 'docker container cp'),
    rmVerb: fc.constantFrom('docker rm', 'docker rm -f', 'docker container rm -f'),
    chain: fc.boolean(),
    finalFlags: fc.constantFrom('', '--no-cache ', '--pull '),
    finalContinued: fc.boolean(),
    cleanup: fc.constantFrom(null, 'rm ./app', 'rm -f app', 'rm -rf ./app'),
    trailingComment: fc.boolean(),
    q: fc.record({ f: quoted('Dockerfile.build'), c: quoted('.'), name: quoted('x') }),
    noise: fc.array(shellNoise(eol), { minLength: 7, maxLength: 7 }),
  }))
  .chain((s) =>
    fc.record({ s: fc.constant(s), tagWord: s.useVar ? dquotedOrPlain('$TAG_NAME:build') : quoted(`${s.image}:build`), finalTag: s.useVar ? dquotedOrPlain('$TAG_NAME:latest') : quoted(`${s.image}:latest`), cpArg: quoted(`${s.container}:${s.containerPath}`) }),
  )
  .map(({ s, tagWord, finalTag, cpArg }) => {
    const args = s.args.map((a) => (a.eq ? `--build-arg=${a.name}=${a.value}` : `--build-arg ${a.name}=${a.value}`));
    const f = `-f ${s.q.f}`;
    const build = ['docker build', ...args, `-t ${tagWord}`, ...(s.fFirst ? [f, s.q.c] : [s.q.c, f])].join(' ');
    const create = `${s.createVerb} --name ${s.container} ${tagWord}`;
    const cp = `${s.cpVerb} ${cpArg} ${s.host}`;
    const rm = `${s.rmVerb} ${s.container}`;
    const comment = s.trailingComment ? ' # setup step' : '';
    const lines: Line[] = [{ text: s.shebang, tag: 'shebang' }, ...s.noise[0]!];
    if (s.useVar) lines.push({ text: `TAG_NAME=${s.image}`, tag: 'noise' });
    lines.push(...s.noise[1]!);
    if (s.chain) {
      lines.push({ text: `${build} && ${create} && ${cp} && ${rm}${comment}`, tag: 'setup' });
    } else {
      lines.push({ text: build + comment, tag: 'setup' }, ...s.noise[2]!, { text: create, tag: 'setup' }, ...s.noise[3]!, { text: cp, tag: 'setup' }, { text: rm, tag: 'setup' });
    }
    lines.push(...s.noise[4]!);
    const finalHead = `docker build ${s.finalFlags}`;
    if (s.finalContinued) lines.push({ text: `${finalHead}\\`, tag: 'final' }, { text: `  -t ${finalTag} .`, tag: 'final' });
    else lines.push({ text: `${finalHead}-t ${finalTag} .`, tag: 'final' });
    lines.push(...s.noise[5]!);
    if (s.cleanup) lines.push({ text: s.cleanup, tag: 'setup' });
    lines.push(...s.noise[6]!);
    return { script: { lines, eol: s.eol, bom: false } as GenFile, carried: args, containerPath: s.containerPath, host: s.host };
  });

// ---------------------------------------------------------------- Dockerfiles

const DF_NOISE_RUNTIME: Line[][] = [
  snippet('comment', '# a comment'),
  snippet('blank', ''),
  snippet('noise', 'RUN apk --no-cache add ca-certificates'),
  snippet('noise', 'WORKDIR /root/'),
  snippet('noise', 'ENV A=b'),
  snippet('noise', 'LABEL org.example.x="x y"'),
  snippet('noise', 'EXPOSE 8080'),
  snippet('noise', 'USER nobody'),
  snippet('noise', 'RUN echo a \\', '  && echo b'),
  snippet('noise', 'run echo lower'),
  snippet('noise', 'RUN  echo  spaced   '),
  snippet('noise', 'CMD ["./app"]'),
  snippet('noise', 'HEALTHCHECK CMD true'),
  snippet('noise', 'COPY config.yml /etc/app/'),
];

const DF_NOISE_BUILDER: Line[][] = [
  snippet('comment', '# builder comment'),
  snippet('blank', ''),
  snippet('noise', 'WORKDIR /go/'),
  snippet('noise', 'COPY app.go .'),
  snippet('noise', 'ENV CGO_ENABLED=0'),
  snippet('noise', 'ARG GOFLAGS_X'),
  snippet('noise', 'RUN go get -d -v x \\', '  && go vet ./...'),
  snippet('noise', 'run echo "lower case"  '),
];

/** Before the first FROM only comments and blank lines are plausible. */
const DF_PRELUDE: Line[][] = [snippet('comment', '# a comment'), snippet('comment', '#no space comment'), snippet('blank', '')];
/** The builder's lines differ from the runtime's, so a line diff cannot pair one file's line with the other's. */
const DF_PRELUDE_BUILDER: Line[][] = [snippet('comment', '# builder prelude'), snippet('comment', '#builder: no space'), snippet('blank', '')];

const dfNoise = (pool: Line[][]) => fc.array(fc.constantFrom(...pool), { maxLength: 3 }).map((xs) => xs.flat());

const consumerCase = (host: string, containerPath: string) =>
  fc.constantFrom(
    { kw: 'COPY', pre: '', json: false, dest: '.' },
    { kw: 'COPY', pre: '', json: false, dest: '/root/' },
    { kw: 'copy', pre: '', json: false, dest: '/usr/local/bin/app' },
    { kw: 'COPY', pre: '--chown=1:1 ', json: false, dest: '.' },
    { kw: 'COPY', pre: '', json: true, dest: '/root/' },
  ).map((c) => {
    const src = c.json ? `["${host}", "${c.dest}"]` : `${host} ${c.dest}`;
    const text = `${c.kw} ${c.pre}${src}`;
    const kwAfter = c.kw;
    // The old context COPY gave the file to root: COPY --from says so, unless the line has its own --chown.
    const from = (stage: string) => `--from=${stage}${c.pre.includes('--chown') ? '' : ' --chown=0:0'}`;
    return (stage: string) => ({
      text,
      after: c.json ? `${kwAfter} ${c.pre}${from(stage)} ["${containerPath}", "${c.dest}"]` : `${kwAfter} ${c.pre}${from(stage)} ${containerPath} ${c.dest}`,
    });
  });

export const repoCase: fc.Arbitrary<RepoCase> = scriptCase.chain((sc) =>
  fc
    .record({
      dir: fc.constantFrom('', 'svc'),
      scriptName: fc.constantFrom('build.sh', 'build'),
      builderBom: fc.boolean(),
      runtimeBom: fc.boolean(),
      builderEol: fc.constantFrom('\n', '\r\n'),
      runtimeEol: fc.constantFrom('\n', '\r\n'),
      syntax: fc.boolean(),
      builderFrom: fc.constantFrom('FROM golang:1.7.3', 'from golang:1.22', 'FROM golang:1.22 AS build', 'FROM --platform=$BUILDPLATFORM golang:1.22'),
      bNoise: fc.tuple(dfNoise(DF_PRELUDE_BUILDER), dfNoise(DF_NOISE_BUILDER), dfNoise(DF_NOISE_BUILDER)),
      rNoise: fc.tuple(dfNoise(DF_PRELUDE), dfNoise(DF_NOISE_RUNTIME), dfNoise(DF_NOISE_RUNTIME)),
      runtimeFrom: fc.constantFrom('FROM alpine:latest', 'FROM alpine:3.19 AS runtime', 'from busybox'),
      consumer: consumerCase(sc.host, sc.containerPath),
    })
    .map((r) => {
      const named = / AS (\S+)$/.exec(r.builderFrom);
      const stage = named ? named[1]! : 'builder';
      const consumer = r.consumer(stage);
      const builder: GenFile = {
        lines: [...r.bNoise[0], { text: r.builderFrom, tag: 'noise' }, ...r.bNoise[1], { text: 'RUN go build -o app .', tag: 'noise' }, ...r.bNoise[2]],
        eol: r.builderEol,
        bom: r.builderBom,
      };
      const runtime: GenFile = {
        lines: [
          ...(r.syntax ? [{ text: '# syntax=docker/dockerfile:1', tag: 'noise' as Tag }] : []),
          ...r.rNoise[0],
          { text: r.runtimeFrom, tag: 'noise' },
          ...r.rNoise[1],
          { text: consumer.text, tag: 'setup' },
          ...r.rNoise[2],
        ],
        eol: r.runtimeEol,
        bom: r.runtimeBom,
      };
      return { dir: r.dir, script: sc.script, scriptName: r.scriptName, builder, runtime, carried: sc.carried, stage, containerPath: sc.containerPath, consumerAfter: consumer.after };
    }),
);

export function repoFiles(c: RepoCase): Record<string, string> {
  const p = (f: string) => (c.dir ? `${c.dir}/${f}` : f);
  return {
    [p(c.scriptName)]: render(c.script),
    [p('Dockerfile.build')]: render(c.builder),
    [p('Dockerfile')]: render(c.runtime),
    [p('app.go')]: 'package main\n',
    [p('config.yml')]: 'a: 1\n',
  };
}

// ---------------------------------------------------------------- hostile mutations

/** Fragments that stress parsers: quotes, escapes, substitutions, heredocs, odd line ends, bytes. */
export const NASTY = [
  '\\', '"', "'", '`', '$(', '${', '$((', ')', '}', '<<EOF', '<<-', '\r', '\n', '\r\n', '\uFEFF', '\u0000', '\\\n', '\\  \n', '|', '&&', '||', ';;', '&', ';',
  '\uFFFD', '\u00ff', '\u2028', '\uD800', 'docker ', 'docker build ', 'docker cp x:/a b', '-f ../../x', '--build-arg', 'FROM ', 'COPY ', '# escape=`\n', '# syntax=x\n',
  '\t', ' ', '#', '=', '*', '?', '[', ']', '{', '~', '!', 'EOF\n', "'\"'\"'", '\\$', '\\"', '\u00e9', '\u{1F600}',
];

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 6, unit: 'binary' })) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 8 }) }),
);

export function mutate(text: string, ms: { kind: 'insert' | 'delete'; at: number; text?: string; len?: number }[]): string {
  let t = text;
  for (const m of ms) {
    const at = t.length === 0 ? 0 : m.at % (t.length + 1);
    t = m.kind === 'insert' ? t.slice(0, at) + m.text! + t.slice(at) : t.slice(0, at) + t.slice(at + m.len!);
  }
  return t;
}

/** A plausible repository with a few hostile edits in some of its files. */
export const mutatedRepo = fc
  .record({ c: repoCase, which: fc.array(fc.constantFrom('script', 'builder', 'runtime'), { minLength: 1, maxLength: 3 }), ms: fc.array(mutation, { minLength: 1, maxLength: 4 }) })
  .map(({ c, which, ms }) => {
    const files = repoFiles(c);
    const p = (f: string) => (c.dir ? `${c.dir}/${f}` : f);
    const names = { script: p(c.scriptName), builder: p('Dockerfile.build'), runtime: p('Dockerfile') };
    for (const w of new Set(which)) files[names[w]] = mutate(files[names[w]]!, ms);
    return files;
  });

/** Completely arbitrary text under the names the tool reads. */
export const arbitraryRepo = fc.record({
  'build.sh': fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.array(fc.constantFrom(...NASTY), { maxLength: 40 }).map((xs) => `#!/bin/sh\n${xs.join('')}`)),
  Dockerfile: fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.array(fc.constantFrom(...NASTY), { maxLength: 40 }).map((xs) => `FROM a\n${xs.join('')}`)),
  'Dockerfile.build': fc.string({ unit: 'binary', maxLength: 100 }),
});
