/**
 * Two `# escape=` characters: a builder whose escape character only continues lines is
 * merged with its continuations turned into the runtime's; anything else is refused.
 */
import { describe, expect, it } from 'vitest';
import { readDockerfile } from '../../src/analyze/dockerfile.js';
import { applyEdits } from '../../src/model/edits.js';
import { continuationEdits } from '../../transforms/escape-convert.js';
import { applied, planFiles } from '../support/plan.js';

const convert = (text: string, to: string) => {
  const facts = readDockerfile('Dockerfile.build', text);
  const edits = continuationEdits(facts, to);
  return edits === null ? null : applyEdits(text, edits);
};

describe('continuation edits', () => {
  it('turns backtick continuations into backslashes', () => {
    expect(convert('# escape=`\nFROM golang:1.21\nRUN go get -d ./... `\n  && go build -o /out/app . `\t\n  && echo done\n', '\\')).toBe('# escape=`\nFROM golang:1.21\nRUN go get -d ./... \\\n  && go build -o /out/app . \\\t\n  && echo done\n');
  });

  it('turns backslash continuations into backticks, CRLF kept', () => {
    expect(convert('FROM golang:1.21\r\nRUN go build \\\r\n  -o /out/app .\r\n', '`')).toBe('FROM golang:1.21\r\nRUN go build `\r\n  -o /out/app .\r\n');
  });

  it('keeps a backslash in a RUN command, which Docker hands to the shell as written either way', () => {
    expect(convert('FROM golang:1.21\nRUN printf "a\\n" > /x \\\n  && go build -o /out/app .\n', '`')).toBe('FROM golang:1.21\nRUN printf "a\\n" > /x `\n  && go build -o /out/app .\n');
  });

  it('refuses an escape that changes a value, or a line the new character would continue', () => {
    expect(convert('# escape=`\nFROM golang:1.21\nENV GREETING=hello` world\n', '\\')).toBeNull();
    expect(convert('# escape=`\nFROM golang:1.21\nWORKDIR C:\\app\nRUN go build -o app .\n', '\\')).toBeNull();
    expect(convert('# escape=`\nFROM golang:1.21\nENV DIR=C:\\ app\nRUN true\n', '\\')).toBeNull();
    expect(convert('# escape=`\nFROM golang:1.21\nRUN echo trailing \\\nRUN go build -o /out/app .\n', '\\')).toBeNull();
  });

  it('keeps a backslash in a HEALTHCHECK command, which Docker hands on as written like RUN\'s', () => {
    expect(convert('# escape=`\nFROM golang:1.21\nHEALTHCHECK --interval=5s CMD test -f /a\\b `\n  || exit 1\n', '\\')).toBe('# escape=`\nFROM golang:1.21\nHEALTHCHECK --interval=5s CMD test -f /a\\b \\\n  || exit 1\n');
  });

  it('keeps an escape character ending a heredoc line, which BuildKit hands to the shell or the file as written', () => {
    expect(convert('FROM alpine:3.19\nRUN <<EOT\necho one \\\n  two > /out/app\nEOT\nRUN chmod 755 \\\n  /out/app\n', '`')).toBe('FROM alpine:3.19\nRUN <<EOT\necho one \\\n  two > /out/app\nEOT\nRUN chmod 755 `\n  /out/app\n');
    expect(convert('FROM alpine:3.19\nCOPY <<EOT /out/notes\nline \\\nlast\nEOT\n', '`')).toBe('FROM alpine:3.19\nCOPY <<EOT /out/notes\nline \\\nlast\nEOT\n');
  });

  it('refuses a continuation before the first stage', () => {
    expect(convert('# escape=`\nARG A=1 `\n  B=2\nFROM golang:1.21\n', '\\')).toBeNull();
  });
});

describe('planning with two escape characters', () => {
  const SCRIPT = '#!/bin/sh\nset -e\ndocker build -t app:build -f Dockerfile.build .\ndocker create --name x app:build\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build -t app:latest .\nrm -f app\n';
  it('merges a builder that only continues lines with its own character', () => {
    const files = { 'build.sh': SCRIPT, 'Dockerfile.build': '# escape=`\nFROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go vet ./... `\n  && go build -o /out/app .\n', Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n' };
    const plan = planFiles(files);
    expect(plan.setups[0]!.status).toBe('migrate');
    expect(plan.setups[0]!.notes.join('\n')).toContain('continuation(s) become');
    expect(applied(files, plan)['Dockerfile']).toBe('FROM golang:1.21 AS builder\nWORKDIR /src\nCOPY . .\nRUN go vet ./... \\\n  && go build -o /out/app .\n\nFROM alpine:3.19\nCOPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\n');
  });

  it('merges a backtick builder whose RUN holds backslashes, which the shell gets as written under either character (podman: `printf \'a\\\\nb\'` prints a backslash)', () => {
    const files = { 'build.sh': SCRIPT, 'Dockerfile.build': "# escape=`\nFROM golang:1.21\nRUN printf 'a\\\\nb' > /x `\n  && go build -o /out/app .\nCMD echo \\ done\n", Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n' };
    const plan = planFiles(files);
    expect(plan.setups.map((s) => [s.status, s.diagnostics])).toEqual([['migrate', []]]);
    expect(applied(files, plan)['Dockerfile']).toContain("FROM golang:1.21 AS builder\nRUN printf 'a\\\\nb' > /x \\\n  && go build -o /out/app .\nCMD echo \\ done\n");
  });

  it('merges a builder whose RUN heredoc holds a shell continuation, which BuildKit hands on as written under either character', () => {
    // BuildKit reads a heredoc's body line by line as written (frontend/dockerfile/parser Parse), so
    // `apt-get install -y \` stays the shell's continuation under the runtime's backtick.
    const builder = 'FROM alpine:3.19\nRUN <<EOF\nmkdir /out\necho one \\\n  two > /out/app\nEOF\n';
    const files = { 'build.sh': SCRIPT, 'Dockerfile.build': builder, Dockerfile: '# escape=`\nFROM alpine:3.19\nCOPY app /usr/local/bin/app\n' };
    const plan = planFiles(files);
    expect(plan.setups.map((s) => [s.status, s.diagnostics.filter((d) => d.severity === 'error')])).toEqual([['migrate', []]]);
    expect(plan.setups[0]!.notes.join('\n')).toContain('Dockerfile.build escapes with `\\` but uses its escape character nowhere');
    expect(applied(files, plan)['Dockerfile']).toContain('FROM alpine:3.19 AS builder\nRUN <<EOF\nmkdir /out\necho one \\\n  two > /out/app\nEOF\n');
  });

  it('merges a heredoc RUN whose line before the body is continued with the escape character, which the continuation turns into the runtime\'s', () => {
    // BuildKit joins the instruction's own lines with the file's escape character, then reads the bodies after them as written.
    const builder = 'FROM alpine:3.19\nRUN --network=default \\\n    <<EOF\nmkdir /out\necho one \\\n  two > /out/app\nEOF\n';
    const files = { 'build.sh': SCRIPT, 'Dockerfile.build': builder, Dockerfile: '# escape=`\nFROM alpine:3.19\nCOPY app /usr/local/bin/app\n' };
    const plan = planFiles(files);
    expect(plan.setups.map((s) => [s.status, s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)])).toEqual([['migrate', []]]);
    expect(applied(files, plan)['Dockerfile']).toContain('FROM alpine:3.19 AS builder\nRUN --network=default `\n    <<EOF\nmkdir /out\necho one \\\n  two > /out/app\nEOF\n');
  });
});

describe('values in quotes and ONBUILD triggers under two escape characters', () => {
  const SCRIPT = '#!/bin/sh\nset -e\ndocker build -t app:build -f Dockerfile.build .\ndocker create --name x app:build\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build -t app:latest .\nrm -f app\n';
  // Built old and new on podman (--format docker): the same app, "C:\tools\bin|C:\tools\bin|plain|x\y|a\b".
  const BUILDER = "# escape=`\nFROM alpine:3.19 AS base\nONBUILD RUN echo 'a\\b' > /onbuild\nONBUILD ENV TRIG='x\\y'\nFROM base\nENV WINPATH='C:\\tools\\bin' `\n    DQ=\"C:\\tools\\bin\" `\n    OTHER=plain\nLABEL path='C:\\x'\nRUN mkdir -p /out && `\n    printf '%s|%s|%s|%s|' \"$WINPATH\" \"$DQ\" \"$OTHER\" \"$TRIG\" > /out/app && cat /onbuild >> /out/app\n";

  it('converts a builder whose backslashes are inside quotes (where the escape character is a plain one) or in an ONBUILD RUN', () => {
    expect(convert(BUILDER, '\\')).toBe(`# escape=\`\n${BUILDER.slice(11).replaceAll('`\n', '\\\n')}`);
    const files = { 'build.sh': SCRIPT, 'Dockerfile.build': BUILDER, Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n' };
    const plan = planFiles(files);
    expect(plan.setups.map((s) => [s.status, s.diagnostics])).toEqual([['migrate', []]]);
    expect(applied(files, plan)['Dockerfile']).toContain("ENV WINPATH='C:\\tools\\bin' \\\n    DQ=\"C:\\tools\\bin\" \\\n    OTHER=plain\n");
  });

  it('still refuses a backslash the new escape character would read: unquoted, or in a trigger that is not run as written', () => {
    expect(convert('# escape=`\nFROM alpine:3.19\nENV P=C:\\tools\nRUN true\n', '\\')).toBeNull();
    expect(convert('# escape=`\nFROM alpine:3.19\nONBUILD ENV P=C:\\tools\nRUN true\n', '\\')).toBeNull();
    expect(convert('# escape=`\nFROM alpine:3.19\nONBUILD COPY a\\b /x\nRUN true\n', '\\')).toBeNull();
    expect(convert("# escape=`\nFROM alpine:3.19\nLABEL a=\"x`\"y\"\nRUN true\n", '\\')).toBeNull();
  });
});
