/**
 * An echo that only announced a removed step goes with it; one that says anything about what
 * stays, or is not right before the removed step, stays.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n';

function migrate(file: string, text: string): string {
  const files = { 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, [file]: text };
  const plan = planFiles(files);
  expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
  return applied(files, plan)[file]!;
}

const STEPS = 'docker build -t app:build -f Dockerfile.build .\ndocker create --name extract app:build\ndocker cp extract:/out/app ./app\ndocker rm extract\n';

describe('echo lines that announced a removed step', () => {
  it('go when they name the builder tag, or describe the extraction right before it', () => {
    const sh = ['#!/bin/sh', 'set -e', 'echo "Building app:build"', 'docker build -t app:build -f Dockerfile.build .', 'docker create --name extract app:build', 'echo "Copying the binary out" >&2', 'docker cp extract:/out/app ./app', 'printf "%s\\n" "removing extract"', 'docker rm extract', 'echo "Building app:latest"', 'docker build -t app:latest .', ''].join('\n');
    expect(migrate('build.sh', sh)).toBe(['#!/bin/sh', 'set -e', 'echo "Building app:latest"', 'docker build -t app:latest .', ''].join('\n'));
  });

  it('in a Makefile recipe too', () => {
    const mk = 'image:\n\t@echo "==> app:build"\n\tdocker build -t app:build -f Dockerfile.build .\n\tdocker create --name extract app:build\n\tdocker cp extract:/out/app ./app\n\tdocker build -t app:latest .\n';
    expect(migrate('Makefile', mk)).toBe('image:\n\tdocker build -t app:latest .\n');
  });

  it('stay when a name is only part of a longer word, or a Make expansion the reader does not model is in them', () => {
    const steps = '\tdocker create --name x app:build\n\tdocker cp x:/out/app ./app\n\tdocker rm x\n\tdocker build -t app:latest .\n';
    for (const echo of ['echo next', 'echo $(strip a)', 'echo Building app:build $(call stamp)']) {
      const mk = `image:\n\tdocker build -t app:build -f Dockerfile.build .\n\t${echo}\n${steps}`;
      expect(migrate('Makefile', mk), echo).toBe(`image:\n\t${echo}\n\tdocker build -t app:latest .\n`);
    }
  });

  it('stay when they name what is still built, say something general, or are not right before the step', () => {
    const keep = [
      'echo "Building app:build, then app:latest"',
      'echo "Building the app"',
      'echo "Building app:build at $(date)"',
    ];
    for (const echo of keep) {
      const sh = `#!/bin/sh\n${echo}\n${STEPS}docker build -t app:latest .\n`;
      expect(migrate('build.sh', sh), echo).toBe(`#!/bin/sh\n${echo}\ndocker build -t app:latest .\n`);
    }
    // Written to a file, the name may be read back as an image: the builder build stays too (src/plan/tag-mentions.ts).
    const logged = `#!/bin/sh\necho "app:build" > build.log\n${STEPS}docker build -t app:latest .\n`;
    expect(migrate('build.sh', logged)).toBe('#!/bin/sh\necho "app:build" > build.log\ndocker build --target builder -t app:build -f Dockerfile .\ndocker build -t app:latest .\n');
    // Not right before the removed step: something else runs in between.
    const apart = '#!/bin/sh\necho "Building app:build"\nmake prepare\n' + STEPS + 'docker build -t app:latest .\n';
    expect(migrate('build.sh', apart)).toBe('#!/bin/sh\necho "Building app:build"\nmake prepare\ndocker build -t app:latest .\n');
    // Under another condition than the step it precedes.
    const branch = '#!/bin/sh\nif [ -n "$V" ]; then echo "Building app:build"; fi\n' + STEPS + 'docker build -t app:latest .\n';
    expect(migrate('build.sh', branch)).toBe('#!/bin/sh\nif [ -n "$V" ]; then echo "Building app:build"; fi\ndocker build -t app:latest .\n');
    // "copy" before a command that is not an extraction step.
    const copying = `#!/bin/sh\necho "copying sources"\n${STEPS}docker build -t app:latest .\n`;
    expect(migrate('build.sh', copying)).toBe('#!/bin/sh\necho "copying sources"\ndocker build -t app:latest .\n');
  });
});
