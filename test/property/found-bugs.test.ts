/**
 * Bugs the property and hostile-input tests found, each as the smallest input that showed
 * it; all fixed, and kept here as regression tests.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const script = '#!/bin/sh\ndocker build -t img:build . -f Dockerfile.build\ndocker create --name extract img:build\ndocker cp extract:/go/app ./app\ndocker rm -f extract\ndocker build -t img:latest .\n';

describe('bugs found by the property tests (regressions)', () => {
  it("trailing spaces of the builder's last line are dropped by the merge (transforms/dockerfile-merge.ts)", () => {
    const plan = planFiles({
      'Dockerfile.build': 'FROM golang:1.7.3\nRUN go build -o app .  \n',
      Dockerfile: 'FROM alpine:latest\nCOPY app .\n',
      'build.sh': script,
    });
    const df = plan.changes.find((c) => c.path === 'Dockerfile')!;
    expect(df.after).toBe('FROM golang:1.7.3 AS builder\nRUN go build -o app .  \n\nFROM alpine:latest\nCOPY --from=builder --chown=0:0 /go/app .\n');
  });
});

describe('known bugs: planning throws (the CLI dies with a stack trace, exit 2)', () => {
  const df = { 'Dockerfile.build': 'FROM golang:1.7.3\nRUN go build -o app .\n', Dockerfile: 'FROM alpine:latest\nCOPY app .\n', 'build.sh': script };

  it('a BOM plus a variable in an instruction before the first FROM: dockerfile-utils recurses without end (src/plan/validate.ts)', () => {
    expect(() => planFiles({ ...df, 'Dockerfile.build': '\uFEFFRUN $x\nFROM golang\nRUN go build\n' })).not.toThrow();
  });

  it('a COPY source with an unclosed `[` makes an invalid RegExp (src/analyze/link.ts globToRegExp)', () => {
    expect(() => planFiles({ ...df, Dockerfile: 'FROM alpine:latest\nCOPY ap[p .\n' })).not.toThrow();
  });
});

describe('known bugs: plausible setups refused', () => {
  it('a runtime Dockerfile with a BOM right before FROM: the builder stage goes in before the BOM, and the merge is refused as an internal error (transforms/dockerfile-merge.ts)', () => {
    const plan = planFiles({
      'Dockerfile.build': 'FROM golang:1.7.3\nRUN go build -o app .\n',
      Dockerfile: '\uFEFFFROM alpine:latest\nCOPY app .\n',
      'build.sh': script,
    });
    // Today: refused, GENERATED_DOCKERFILE_INVALID "Unknown instruction: \uFEFFFROM (line 4)".
    expect(plan.changes.find((c) => c.path === 'Dockerfile')?.after).toBe('\uFEFFFROM golang:1.7.3 AS builder\nRUN go build -o app .\n\nFROM alpine:latest\nCOPY --from=builder --chown=0:0 /go/app .\n');
  });
});

describe('known bugs: bytes the plan should keep', () => {
  it('a whitespace-only line before a deleted last line: the file loses its final newline and keeps the spaces (transforms/lines.ts)', () => {
    const plan = planFiles({
      'Dockerfile.build': 'FROM golang:1.7.3\nRUN go build -o app .\n',
      Dockerfile: 'FROM alpine:latest\nCOPY app .\n',
      'build.sh': `${script}   \nrm ./app\n`,
    });
    const after = plan.changes.find((c) => c.path === 'build.sh')?.after;
    // Today: '#!/bin/sh\ndocker build -t img:latest .\n   '
    expect(after).toBe('#!/bin/sh\ndocker build -t img:latest .\n');
  });
});
