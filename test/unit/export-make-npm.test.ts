/**
 * An artifact a Makefile target or an npm script still uses on the host after the image is
 * built (`make image smoke`, `npm run build:image && npm run smoke`): the export build takes
 * the extraction's place, written in the file's own syntax (a recipe line: Make's `$(…)` as
 * written in the same rule, `$$` for a shell `$`; a JSON string with the file's formatting
 * kept). Where Make decides by the file's modification time, or a value is only known at run
 * time, the setup is still refused.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/index.js';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nARG VERSION=dev\nARG NOTE=none\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/relay .\n';
const BASE = { 'Dockerfile.build': BUILDER, Dockerfile: 'FROM alpine:3.19\nCOPY relay /usr/local/bin/relay\nCMD ["relay"]\n', 'main.go': 'package main\n' };
const EXPORT_STAGE = /^FROM scratch AS export\nCOPY --from=builder \/out\/relay \/relay\n/m;

const errors = (plan: Plan) => plan.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error'));

function migrated(file: string, files: Record<string, string>): string {
  const all = { ...BASE, ...files };
  const plan = planFiles(all);
  expect(errors(plan).map((d) => `${d.code}: ${d.message}`)).toEqual([]);
  expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
  const out = applied(all, plan);
  expect(out['Dockerfile']).toMatch(EXPORT_STAGE);
  return out[file]!;
}

const SMOKE = '\nsmoke:\n\t./relay --selftest\n';

describe('Makefile recipes', () => {
  it('writes the export build on the extraction\'s last recipe line, its `@` kept, the builder\'s flags as written in the same rule', () => {
    const makefile = [
      'VERSION = 1.4.2',
      '',
      'image:',
      '\tdocker build -t relay:build -f Dockerfile.build \\',
      '\t\t--build-arg VERSION=$(VERSION) .',
      '\tdocker create --name relay-x relay:build',
      '\tdocker cp relay-x:/out/relay ./relay',
      '\t@docker rm relay-x',
      '\tdocker build -t relay:latest .',
      SMOKE,
    ].join('\n');
    expect(migrated('Makefile', { Makefile: makefile })).toBe(
      ['VERSION = 1.4.2', '', 'image:', '\t@docker build --target export --output type=local,dest=. -f Dockerfile --build-arg VERSION=$(VERSION) .', '\tdocker build --build-arg VERSION=$(VERSION) -t relay:latest .', SMOKE].join('\n'),
    );
  });

  it('carries a flag of another rule\'s recipe by its value, a shell `$` written `$$`', () => {
    const makefile = [
      'VERSION = 1.4.2',
      '',
      'builder:',
      "\tdocker build -t relay:build -f Dockerfile.build --build-arg VERSION=$(VERSION) --build-arg 'NOTE=$$HOME' .",
      '',
      'image: builder',
      '\tdocker create --name relay-x relay:build',
      '\tdocker cp relay-x:/out/relay ./relay',
      '\tdocker rm relay-x',
      '\tdocker build -t relay:latest .',
      SMOKE,
    ].join('\n');
    const after = migrated('Makefile', { Makefile: makefile });
    expect(after).toContain("\tdocker build --target export --output type=local,dest=. -f Dockerfile --build-arg VERSION=1.4.2 --build-arg 'NOTE=$$HOME' .\n");
  });

  it('exports it for a listing a `$(shell …)` of a later target pastes into its recipe (its output is no report to the terminal)', () => {
    const makefile = ['all: image release', '', 'image:', '\tdocker build -t relay:build -f Dockerfile.build .', '\tdocker create --name relay-x relay:build', '\tdocker cp relay-x:/out/relay ./relay', '\tdocker rm relay-x', '\tdocker build -t relay:latest .', '', 'release: image', '\techo $(shell ls .) > FILES', ''].join('\n');
    const after = migrated('Makefile', { Makefile: makefile });
    expect(after).toContain('\tdocker build --target export --output type=local,dest=. -f Dockerfile .\n');
  });

  it('refuses a flag of another rule that reads a value Make only knows when it runs', () => {
    const makefile = ['builder:', '\tdocker build -t relay:build -f Dockerfile.build --build-arg VERSION=$(shell git describe) .', '', 'image: builder', '\tdocker create --name relay-x relay:build', '\tdocker cp relay-x:/out/relay ./relay', '\tdocker rm relay-x', '\tdocker build -t relay:latest .', SMOKE].join('\n');
    const plan = planFiles({ ...BASE, Makefile: makefile });
    expect(plan.setups[0]!.status).toBe('refused');
    expect(errors(plan).map((d) => d.code)).toContain('SCRIPT_EDIT_UNSAFE');
  });

  it('refuses where the line it would take ignores failure (`-`) and another line of the extraction does not, or the other way round', () => {
    for (const [cp, rm] of [['docker cp', '-docker rm'], ['-docker cp', 'docker rm']]) {
      const makefile = ['image:', '\tdocker build -t relay:build -f Dockerfile.build .', '\tdocker create --name relay-x relay:build', `\t${cp} relay-x:/out/relay ./relay`, `\t${rm} relay-x`, '\tdocker build -t relay:latest .', SMOKE].join('\n');
      const plan = planFiles({ ...BASE, Makefile: makefile });
      expect(errors(plan), cp).toEqual([expect.objectContaining({ code: 'SCRIPT_EDIT_UNSAFE', line: 5 })]);
      expect(errors(plan)[0]!.message, cp).toContain('the export build cannot fail as the extraction did');
    }
    const all = ['image:', '\tdocker build -t relay:build -f Dockerfile.build .', '\t-docker create --name relay-x relay:build', '\t-docker cp relay-x:/out/relay ./relay', '\t-docker rm relay-x', '\tdocker build -t relay:latest .', SMOKE].join('\n');
    expect(migrated('Makefile', { Makefile: all })).toContain('\t-docker build --target export --output type=local,dest=. -f Dockerfile .\n');
  });

  it('refuses where a rule names the exported file as target or prerequisite: Make goes by its modification time', () => {
    const image = ['image:', '\tdocker build -t relay:build -f Dockerfile.build .', '\tdocker create --name relay-x relay:build', '\tdocker cp relay-x:/out/relay ./relay', '\tdocker rm relay-x', '\tdocker build -t relay:latest .', ''].join('\n');
    for (const [rest, line, named] of [
      ['\nrelay.tgz: relay\n\ttar czf relay.tgz relay\n', 8, 'relay as a prerequisite'],
      ['\nrelay:\n\tgo build -o relay .\n\nsmoke:\n\t./relay --selftest\n', 5, 'relay as a target'],
      ['\nBIN = relay\n\nsums: $(BIN)\n\tsha256sum relay > SUMS\n', 10, '$(BIN), a name only known once Make expands it'],
    ] as const) {
      const plan = planFiles({ ...BASE, Makefile: image + rest });
      expect(plan.setups[0]!.status, rest).toBe('refused');
      expect(errors(plan), rest).toEqual([expect.objectContaining({ code: 'ARTIFACT_USED_ON_HOST', line })]);
      expect(errors(plan)[0]!.message, rest).toContain(`a rule of Makefile has ${named}`);
    }
  });
});

describe('package.json scripts', () => {
  it('writes the export build into the script, as a JSON string, the file\'s own indentation kept; a script that runs it and then the smoke test reads the setup alike', () => {
    const scripts = (image: string) => `{\n    "name": "relay",\n    "scripts": {\n        "build:image": ${JSON.stringify(image)},\n        "smoke": "./relay --selftest",\n        "ci": "npm run build:image && npm run smoke"\n    }\n}\n`;
    const before = scripts('docker build -t relay:build -f Dockerfile.build --build-arg "NOTE=a b" . && docker create --name relay-x relay:build && docker cp relay-x:/out/relay ./relay && docker rm relay-x && docker build -t relay:latest .');
    expect(migrated('package.json', { 'package.json': before })).toBe(scripts('docker build --target export --output type=local,dest=. -f Dockerfile --build-arg "NOTE=a b" . && docker build --build-arg "NOTE=a b" -t relay:latest .'));
  });

  it('keeps refusing a script that runs the shared steps with no image build and then uses the binary', () => {
    const compile = 'docker build -t relay:build -f Dockerfile.build . && docker create --name relay-x relay:build && docker cp relay-x:/out/relay ./relay && docker rm relay-x';
    const pkg = { name: 'relay', scripts: { compile, image: 'npm run compile && docker build -t relay:latest .', test: 'npm run compile && ./relay --selftest' } };
    const plan = planFiles({ ...BASE, 'package.json': JSON.stringify(pkg, null, 2) });
    expect(errors(plan).map((d) => d.code)).toEqual(['SHARED_STEPS_DIFFER']);
    expect(plan.changes).toEqual([]);
  });
});

describe('Make\'s `-` prefix and .IGNORE', () => {
  const makefile = (clean: string, extra = '') =>
    ['image:', '\tdocker build -t relay:build -f Dockerfile.build .', '\tdocker create --name relay-x relay:build', '\tdocker cp relay-x:/out/relay ./relay', '\tdocker rm relay-x', '\tdocker build -t relay:latest .', '\trm -f relay', '', 'clean:', `\t${clean}`, extra].join('\n');
  const kept = (mk: string) => {
    const plan = planFiles({ ...BASE, Makefile: mk });
    expect(errors(plan)).toEqual([]);
    return plan.setups[0]!.notes.some((n) => n.startsWith('the builder build stays as'));
  };

  it('a `docker rmi` of the builder image whose failure Make ignores lets the builder build go', () => {
    expect(kept(makefile('-docker rmi relay:build'))).toBe(false);
    expect(kept(makefile('@-docker rmi relay:build'))).toBe(false);
    expect(kept(makefile('docker rmi relay:build', '\n.IGNORE: clean\n'))).toBe(false);
    expect(kept(makefile('docker rmi relay:build', '\n.IGNORE:\n'))).toBe(false);
  });

  it('one whose failure still counts keeps it: no prefix, another target ignored, a command after it on the line', () => {
    expect(kept(makefile('docker rmi relay:build'))).toBe(true);
    expect(kept(makefile('docker rmi relay:build', '\n.IGNORE: image\n'))).toBe(true);
    expect(kept(makefile('-docker rmi relay:build && echo removed'))).toBe(true);
    expect(kept(makefile('-docker rmi relay:build | tee rmi.log'))).toBe(true);
  });
});
