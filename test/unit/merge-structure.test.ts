/**
 * The merged Dockerfile is checked against the plan (stages, instructions, references), and a
 * new stage name never captures a reference that meant an image.
 */
import { describe, expect, it } from 'vitest';
import { readDockerfile } from '../../src/analyze/dockerfile.js';
import { checkMergedStructure } from '../../src/plan/merge-structure.js';
import { mergeDockerfiles } from '../../transforms/dockerfile-merge.js';
import { planFiles } from '../support/plan.js';
import { applyEdits } from '../../src/model/edits.js';
import { danglingContinuation } from '../../src/plan/dangling-continuation.js';

const SCRIPT = `#!/bin/sh
set -e
docker build -t app:build -f Dockerfile.build .
docker create --name x app:build
docker cp x:/out/app ./app
docker rm x
docker build -t app:latest .
`;

const merge = (builder: string, runtime: string, stageName = 'builder') =>
  mergeDockerfiles({
    builder: readDockerfile('Dockerfile.build', builder),
    runtime: readDockerfile('Dockerfile', runtime),
    builderStage: readDockerfile('Dockerfile.build', builder).stages.length - 1,
    stageName,
    builderTags: ['docker.io/library/app:build'],
    consumers: [{ copy: 0, source: 0, stagePath: '/out/app', hostSource: 'app', mode: null, folder: false }],
    setup: 's',
  });

const codes = (files: Record<string, string>, stageName?: string) => planFiles(files, stageName).setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));

describe('structural check of the merged Dockerfile', () => {
  it('passes a merge that holds what was planned', () => {
    const m = merge('FROM golang:1.21\nRUN go build -o /out/app .\n', 'FROM alpine\nCOPY app /app\n');
    expect(m.diagnostics).toEqual([]);
    expect(checkMergedStructure(m.text, m.intent, 'Dockerfile', 's')).toEqual([]);
  });

  it('refuses a builder whose last line continues into the runtime FROM', () => {
    for (const tail of ['RUN go build -o /out/app . \\\n', 'RUN go build -o /out/app . \\\n# a comment\n', 'RUN go build -o /out/app . \\']) {
      const m = merge(`FROM golang:1.21\n${tail}`, 'FROM alpine\nCOPY app /app\n');
      const d = checkMergedStructure(m.text, m.intent, 'Dockerfile', 's');
      expect(d.map((x) => x.code), tail).toEqual(['GENERATED_DOCKERFILE_INVALID']);
      expect(d[0]!.message).toContain('FROM alpine');
    }
  });

  it('refuses a text that lost or changed an instruction of either file', () => {
    const m = merge('FROM golang:1.21\nRUN go build -o /out/app .\n', 'FROM alpine\nCOPY app /app\nCMD ["/app"]\n');
    expect(checkMergedStructure(m.text.replace('CMD ["/app"]', 'CMD ["/bin/sh"]'), m.intent, 'Dockerfile', 's').map((d) => d.code)).toContain('GENERATED_DOCKERFILE_INVALID');
    expect(checkMergedStructure(m.text.replace('RUN go build -o /out/app .\n', ''), m.intent, 'Dockerfile', 's').map((d) => d.code)).toContain('GENERATED_DOCKERFILE_INVALID');
    expect(checkMergedStructure(m.text.replace('AS builder', 'AS other'), m.intent, 'Dockerfile', 's')[0]!.message).toMatch(/named|reference|meant/);
  });

  it('refuses a global section that differs from the files\' global ARGs, less those the merge leaves out', () => {
    const m = merge('ARG V=dev\nARG GO=1.21\nFROM golang:${GO}\nRUN go build -o /out/app .\n', 'FROM alpine\nARG V\nCOPY app /app\n');
    expect(m.intent.leftOut).toEqual([{ path: 'Dockerfile.build', names: ['V'] }]);
    expect(checkMergedStructure(m.text, m.intent, 'Dockerfile', 's')).toEqual([]);
    // The text agrees with its pieces; only the global section differs from what was meant.
    const lost = checkMergedStructure(m.text, { ...m.intent, leftOut: [] }, 'Dockerfile', 's');
    expect(lost.map((d) => d.code)).toEqual(['GENERATED_DOCKERFILE_INVALID']);
    expect(lost[0]!.message).toContain('`ARG V=dev` of the files it was merged from is missing');
    const plain = merge('ARG V=dev\nFROM golang:1.21\nRUN go build -o /out/app .\n', 'FROM alpine\nCOPY app /app\n');
    expect(plain.intent.leftOut).toEqual([]);
    const kept = checkMergedStructure(plain.text, { ...plain.intent, leftOut: [{ path: 'Dockerfile.build', names: ['V'] }] }, 'Dockerfile', 's');
    expect(kept.map((d) => d.code)).toEqual(['GENERATED_DOCKERFILE_INVALID']);
    expect(kept[0]!.message).toContain('`ARG V=dev`, which was meant to be left out');
  });

  it('checks each builder\'s stages as inserted, so a piece that lost an instruction is caught even when the whole agrees with it', () => {
    const m = merge('FROM golang:1.21\nRUN go mod download\nRUN go build -o /out/app .\n', 'FROM alpine\nCOPY app /app\n');
    const piece = m.intent.builders[0]!.piece;
    expect(m.intent.inserted[piece]).toContain('RUN go mod download');
    const lost = (t: string) => t.replace('RUN go mod download\n', '');
    const intent = { ...m.intent, inserted: m.intent.inserted.map((t, i) => (i === piece ? lost(t) : t)) };
    const d = checkMergedStructure(lost(m.text), intent, 'Dockerfile', 's');
    expect(d.map((x) => x.code)).toEqual(['GENERATED_DOCKERFILE_INVALID']);
    expect(d[0]!.message).toContain('the stages from Dockerfile.build run');
    expect(checkMergedStructure(m.text, { ...m.intent, builders: [{ ...m.intent.builders[0]!, piece: m.intent.inserted.length }] }, 'Dockerfile', 's').map((x) => x.code)).toEqual(['GENERATED_DOCKERFILE_INVALID']);
  });

  it('refuses a --from that resolves elsewhere than intended', () => {
    const m = merge('FROM golang:1.21\nRUN go build -o /out/app .\n', 'FROM alpine\nCOPY app /app\n');
    const wrong = m.text.replace('--from=builder', '--from=0').replace('FROM golang:1.21 AS builder', 'FROM golang:1.21 AS builder\nFROM busybox AS other');
    expect(checkMergedStructure(wrong, m.intent, 'Dockerfile', 's').map((d) => d.code)).toContain('GENERATED_DOCKERFILE_INVALID');
  });

  it('renumbers a numeric RUN --mount from= and COPY --from, and refuses a text where either still names the old index', () => {
    const m = merge('FROM golang:1.21\nRUN go build -o /out/app .\n', 'FROM busybox\nRUN true\nFROM alpine\nRUN --mount=type=bind,from=0,target=/b true\nCOPY app /app\nCOPY --from=0 /x /x\n');
    expect(m.text).toContain('RUN --mount=type=bind,from=1,target=/b true\nCOPY --from=builder --chown=0:0 /out/app /app\nCOPY --from=1 /x /x\n');
    expect(checkMergedStructure(m.text, m.intent, 'Dockerfile', 's')).toEqual([]);
    // A merge that forgot to renumber: the runtime's edited text and the whole both keep the old index.
    for (const stale of ['from=0,target', 'COPY --from=0 /x']) {
      const keep = (t: string) => t.replace(stale === 'from=0,target' ? 'from=1,target' : 'COPY --from=1 /x', stale);
      const intent = { ...m.intent, runtime: { ...m.intent.runtime, edited: keep(m.intent.runtime.edited) } };
      expect(intent.runtime.edited).toContain(stale);
      expect(checkMergedStructure(keep(m.text), intent, 'Dockerfile', 's').map((d) => d.message), stale).toEqual([expect.stringMatching(/stage 0 where .* stage 1 was meant/)]);
    }
  });

  it('ends a builder whose last instruction ends in a continuation by dropping its escape character, and proves the words unchanged', () => {
    const merged = (builder: string) => {
      const plan = planFiles({ 'build.sh': SCRIPT, 'Dockerfile.build': builder, Dockerfile: 'FROM alpine\nCOPY app /app\n' });
      expect(plan.setups[0]!.diagnostics.filter((d) => d.severity === 'error'), builder).toEqual([]);
      return { text: plan.changes.find((c) => c.path === 'Dockerfile')!.after!, notes: plan.setups[0]!.notes };
    };
    const m = merged('FROM golang:1.21\nRUN go build -o /out/app . \\\n');
    expect(m.text).toBe('FROM golang:1.21 AS builder\nRUN go build -o /out/app .\n\nFROM alpine\nCOPY --from=builder --chown=0:0 /out/app /app\n');
    expect(m.notes).toContain("the escape character ending line 2 of Dockerfile.build goes: the file ended that RUN there, and in the merged Dockerfile the runtime's FROM follows it (the instruction's words are unchanged)");
    // A builder stage renamed for a name the runtime has: the edit moves with the renamed text (fuzz seed 10640).
    const renamed = planFiles({ 'build.sh': SCRIPT, 'Dockerfile.build': 'FROM busybox AS tools\nRUN true\nFROM golang:1.21\nCOPY --from=tools /bin/true /t\nRUN go build -o /out/app . \\\n# end\n', Dockerfile: 'FROM busybox AS tools\nRUN true\nFROM alpine\nCOPY app /app\n' });
    expect(renamed.setups[0]!.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(renamed.changes.find((c) => c.path === 'Dockerfile')!.after).toContain('FROM busybox AS tools-2\nRUN true\nFROM golang:1.21 AS builder\nCOPY --from=tools-2 /bin/true /t\nRUN go build -o /out/app .\n# end\n\nFROM busybox AS tools\n');
    // A backtick-escaped builder in a backslash runtime: the other continuations are converted, the last one dropped.
    expect(merged('# escape=`\nFROM golang:1.21\nRUN go build `\n  -o /out/app . `\n# end\n').text).toContain('FROM golang:1.21 AS builder\nRUN go build \\\n  -o /out/app .\n# end\n\nFROM alpine\n');

    const continued = (text: string) => {
      const r = danglingContinuation(readDockerfile('Dockerfile.build', text), 's');
      return r && 'edit' in r ? applyEdits(text, [r.edit]) : r;
    };
    expect(continued('FROM golang:1.21\nRUN make \\\n  # done\n\n')).toBe('FROM golang:1.21\nRUN make\n  # done\n\n');
    expect(continued('FROM golang:1.21\nRUN make \\\n  all \\  \r\n# done\r\n')).toBe('FROM golang:1.21\nRUN make \\\n  all\r\n# done\r\n');
    // A continuation the file itself ends is no concern when the last instruction is complete.
    expect(continued('FROM golang:1.21\nRUN make \\\n  all\n# done\n')).toBeNull();
    expect(continued('FROM golang:1.21\nRUN make')).toBeNull();
    // Under `# escape=\``, the backtick continues a line and a backslash does not.
    expect(continued('# escape=`\nFROM golang:1.21\nRUN make `\n# done\n')).toBe('# escape=`\nFROM golang:1.21\nRUN make\n# done\n');
    expect(continued('# escape=`\nFROM golang:1.21\nRUN make C:\\\n')).toBeNull();
  });

  it('refuses a builder whose last line would still continue without its escape character, naming the line', () => {
    // `RUN echo \\`: dropping the last backslash leaves a line that still ends in one.
    const text = 'FROM golang:1.21\nRUN go build -o /out/app . && echo \\\\\n';
    expect(codes({ 'build.sh': SCRIPT, 'Dockerfile.build': text, Dockerfile: 'FROM alpine\nCOPY app /app\n' })).toEqual(['BUILDER_ENDS_CONTINUED']);
    const r = danglingContinuation(readDockerfile('Dockerfile.build', text), 's');
    expect(r && 'refusal' in r ? [r.refusal.code, r.refusal.line] : r).toEqual(['BUILDER_ENDS_CONTINUED', 2]);
  });
});

describe('a new stage name never captures an image reference', () => {
  const files = (runtime: string, builder = 'FROM golang:1.21\nRUN go build -o /out/app .\n') => ({ 'build.sh': SCRIPT, 'Dockerfile.build': builder, Dockerfile: runtime });

  it('FROM alpine with --stage-name alpine', () => {
    expect(codes(files('FROM alpine\nCOPY app /app\n'), 'alpine')).toEqual(['STAGE_NAME_COLLISION']);
    expect(codes(files('FROM alpine:3.19\nCOPY app /app\n'), 'alpine')).toEqual([]);
  });

  it('a runtime COPY --from=builder that meant an image named builder, with --stage-name builder', () => {
    expect(codes(files('FROM alpine\nCOPY --from=builder /etc/x /etc/x\nCOPY app /app\n'), 'builder')).toEqual(['STAGE_NAME_COLLISION']);
    expect(codes(files('FROM alpine\nRUN --mount=from=builder,target=/b true\nCOPY app /app\n'), 'builder')).toEqual(['STAGE_NAME_COLLISION']);
  });

  it('without --stage-name, the builder stage takes the next free name instead', () => {
    for (const runtime of ['FROM alpine\nCOPY --from=builder /etc/x /etc/x\nCOPY app /app\n', 'FROM alpine\nRUN --mount=from=builder,target=/b true\nCOPY app /app\n']) {
      const plan = planFiles(files(runtime));
      expect(plan.setups[0]!.status, runtime).toBe('migrate');
      expect(plan.setups[0]!.stage).toBe('builder-2');
      const merged = plan.changes.find((c) => c.path === 'Dockerfile')!.after!;
      expect(merged).toContain('FROM golang:1.21 AS builder-2\n');
      expect(merged).toContain('COPY --from=builder-2 --chown=0:0 /out/app /app');
      // The reference that meant an image still means it.
      expect(merged).toMatch(/from=builder[ ,]/);
    }
  });

  it('a builder reference to an image named like a runtime stage', () => {
    expect(codes(files('FROM alpine AS tools\nFROM alpine\nCOPY app /app\n', 'FROM golang:1.21\nCOPY --from=tools /x /x\nRUN go build -o /out/app .\n'))).toContain('STAGE_NAME_COLLISION');
  });

  it('refuses a RUN --mount of the builder image by its tag, which would name an image no longer built', () => {
    expect(codes(files('FROM alpine\nRUN --mount=type=bind,from=app:build,target=/b cp /b/out/x /x\nCOPY app /app\n'))).toEqual(['BUILDER_TAG_USED']);
  });

  it('keeps a reference to the builder image by its tag: that one is meant to become the stage', () => {
    expect(codes(files('FROM alpine\nCOPY --from=app:build /out/other /other\nCOPY app /app\n'))).toEqual([]);
  });
});
