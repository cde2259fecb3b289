/**
 * A command after the builder build whose program is only known at run time (`$TOOL go version`,
 * Make's `$(call IN_BUILDER,…)`) may be `docker run` of the builder image the old script left
 * behind. The migration used to delete the builder build anyway; it now keeps it (as
 * `--target` of the merged Dockerfile), in the setup's own script and in a script run after it.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';
import { unknownProgramWord } from '../../src/analyze/unknown-program.js';
import { parseShell } from '../../src/analyze/shell/index.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const BASE = { 'Dockerfile.build': BUILDER, Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n', 'main.go': 'package main\n' };
const PATTERN = 'docker build -t app:build -f Dockerfile.build .\ndocker create --name x app:build\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build -t app:latest .\nrm app\n';
const KEPT = 'docker build --target builder -t app:build -f Dockerfile .\n';

function migrate(files: Record<string, string>): { out: Record<string, string> } {
  const all = { ...BASE, ...files };
  const plan = planFiles(all);
  expect(plan.setups.length, 'the setup is found').toBe(1);
  const setup = plan.setups[0]!;
  expect(setup.status, JSON.stringify(setup.diagnostics)).toBe('migrate');
  return { out: applied(all, plan) };
}

describe('a program only known at run time after the builder build', () => {
  it('keeps the builder image built when the setup\'s own script runs one', () => {
    const { out } = migrate({ 'build.sh': `#!/bin/sh\nset -e\n${PATTERN}$TOOL go version\n` });
    expect(out['build.sh']).toContain(KEPT);
  });

  it('keeps it for a shell, eval or wrapper given a command only known at run time', () => {
    for (const line of ['sh -c "$CMD"', 'eval "$CMD"', 'sudo -E $CMD']) {
      const { out } = migrate({ 'build.sh': `#!/bin/sh\nset -e\n${PATTERN}${line}\n` });
      expect(out['build.sh'], line).toContain(KEPT);
    }
  });

  it('keeps it for an eval whose static text expands a variable or a command when eval reads it again', () => {
    for (const line of ['eval docker run --rm "app:\\$TAG"', "eval 'docker run --rm app:$TAG'", 'eval "docker run --rm \\$(cat image.txt)"']) {
      const { out } = migrate({ 'build.sh': `#!/bin/sh\nset -e\n${PATTERN}${line}\n` });
      expect(out['build.sh'], line).toContain(KEPT);
    }
  });

  it('keeps it when a caller runs one after calling the script', () => {
    const { out } = migrate({ 'build.sh': `#!/bin/sh\nset -e\n${PATTERN}`, 'ci.sh': '#!/bin/sh\nset -e\nsh build.sh\n"$TOOL" go version\n' });
    expect(out['build.sh']).toContain(KEPT);
  });

  it('keeps it when a caller runs a script, Makefile or package only named at run time', () => {
    for (const line of ['sh "$SMOKE"', 'make -f "$MK" smoke', 'yarn "$TASK"', 'npx "$TOOL"']) {
      const { out } = migrate({ 'build.sh': `#!/bin/sh\nset -e\n${PATTERN}`, 'ci.sh': `#!/bin/sh\nset -e\nsh build.sh\n${line}\n` });
      expect(out['build.sh'], line).toContain(KEPT);
    }
  });

  it('keeps it for a Makefile recipe line that is a `$(call …)`', () => {
    const recipe = PATTERN.split('\n').filter(Boolean).map((l) => `\t${l}`);
    const makefile = ['define IN_BUILDER', 'docker run --rm app:build $(1)', 'endef', 'image:', ...recipe, '\t$(call IN_BUILDER,go version) > toolchain.txt', ''].join('\n');
    const { out } = migrate({ Makefile: makefile });
    expect(out['Makefile']).toContain(`\t${KEPT}`);
  });

  it('deletes it when every later program is known and none uses the image', () => {
    const { out } = migrate({ 'build.sh': `#!/bin/sh\nset -e\n${PATTERN}echo done\n` });
    expect(out['build.sh']).not.toContain('--target builder');
  });
});

describe('which commands run a program only known at run time', () => {
  const unknown = (line: string) => unknownProgramWord(parseShell('build.sh', `${line}\n`).script!.commands[0]!)?.raw ?? null;

  it('names the word that decides the program', () => {
    expect(unknown('$TOOL go version')).toBe('$TOOL');
    expect(unknown('sudo -E "$CMD" --check')).toBe('"$CMD"');
    expect(unknown('eval "$CMD"')).toBe('"$CMD"');
    expect(unknown('sh -c "$CMD"')).toBe('"$CMD"');
    expect(unknown('bash -o pipefail -ec "$1" ignored')).toBe('"$1"');
    expect(unknown('find . -name "*.go" -exec $CMD {} +')).toBe('$CMD');
    // A wrapper whose options the tool does not read runs a command it does not follow.
    expect(unknown('sudo -i docker run app:build')).toBe('sudo');
  });

  it('names the file or package a known program runs when only that is known at run time', () => {
    expect(unknown('sh "$SCRIPT"')).toBe('"$SCRIPT"');
    expect(unknown('bash -o pipefail -e "$1" --fast')).toBe('"$1"');
    expect(unknown('make -f "$MK" smoke')).toBe('"$MK"');
    expect(unknown('make --file="$MK"')).toBe('--file="$MK"');
    expect(unknown('make -C "$DIR" test')).toBe('"$DIR"');
    expect(unknown('npx "$TOOL" --check')).toBe('"$TOOL"');
    expect(unknown('yarn "$TASK"')).toBe('"$TASK"');
    expect(unknown('pnpm dlx "$TOOL"')).toBe('"$TOOL"');
    expect(unknown('npm exec -- "$TOOL"')).toBe('"$TOOL"');
  });

  it('leaves known programs alone, whatever their arguments', () => {
    expect(unknown('echo "$CMD"')).toBeNull();
    expect(unknown('sh -c "go vet ./..."')).toBeNull();
    expect(unknown('sh ./check.sh "$1"')).toBeNull();
    expect(unknown('eval echo done')).toBeNull();
    expect(unknown('find . -name "*.go" -exec gofmt -l {} +')).toBeNull();
    expect(unknown('nice -n 10 make "$TARGET"')).toBeNull();
    expect(unknown('make -f build.mk "$TARGET"')).toBeNull();
    expect(unknown('npm run "$SCRIPT"')).toBeNull();
    expect(unknown('yarn install --frozen-lockfile')).toBeNull();
    expect(unknown('bash -o pipefail ./check.sh "$1"')).toBeNull();
  });
});
