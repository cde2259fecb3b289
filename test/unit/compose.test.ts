/**
 * docker-compose files: `docker compose run|up|build SERVICE` read as the docker commands the
 * service defines, the builder service removed from the compose file, and a coded refusal
 * (file and line, nothing written) for whatever compose does that a build stage cannot.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/index.js';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /src/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY out/app /usr/local/bin/app\n';
const MERGED_CP = 'FROM golang:1.21 AS builder\nWORKDIR /src\nCOPY . .\nRUN go build -o /src/app .\n\nFROM alpine:3.19\nCOPY --from=builder --chown=0:0 /src/app /usr/local/bin/app\n';

const COMPOSE = [
  'services:',
  '  # Copies the binary out through a bind mount.',
  '  builder:',
  '    build:',
  '      context: .',
  '      dockerfile: Dockerfile.build',
  '    volumes:',
  '      - ./out:/out',
  '    command: ["cp", "/src/app", "/out/"]',
  '  app:',
  '    build: .',
  '    image: acme/app:latest',
  '',
].join('\n');
const COMPOSE_AFTER = ['services:', '  app:', '    build: .', '    image: acme/app:latest', ''].join('\n');

const SCRIPT = ['#!/bin/sh', 'set -e', 'docker compose run --rm builder', 'docker compose build app', 'rm -rf out', ''].join('\n');

/** The default tree with some files replaced (undefined: left out). */
function files(over: Record<string, string | undefined>): Record<string, string> {
  const all = { 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'docker-compose.yml': COMPOSE, 'build.sh': SCRIPT, ...over };
  return Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined));
}

function migrated(all: Record<string, string>) {
  const plan = planFiles(all);
  expect(plan.setups.map((s) => [s.status, s.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`)])).toEqual([['migrate', []]]);
  const out = applied(all, plan);
  expect(out['Dockerfile']).toBe(MERGED_CP);
  expect(out['Dockerfile.build']).toBeUndefined();
  return out;
}

/** The one setup is refused with `code` at file:line, and nothing at all is written. */
function refused(plan: Plan, code: string, file: string, line: number) {
  expect(plan.setups).toHaveLength(1);
  expect(plan.setups[0]!.status).toBe('refused');
  expect(plan.changes).toEqual([]);
  expect(plan.setups[0]!.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.file, d.line])).toContainEqual([code, file, line]);
}

describe('compose: setups found through the service definitions', () => {
  it('`docker compose run --rm builder` with a cp into a bind mount; the service and the line go', () => {
    const out = migrated(files({}));
    expect(out['docker-compose.yml']).toBe(COMPOSE_AFTER);
    expect(out['build.sh']).toBe(['#!/bin/sh', 'set -e', 'docker compose build app', ''].join('\n'));
  });

  it('`docker-compose` (v1) from a Makefile, with -f naming compose.yaml, then a plain docker build', () => {
    const make = ['image:', '\tdocker-compose -f compose.yaml run --rm -T builder', '\tdocker build -t acme/app:latest .', ''].join('\n');
    const out = migrated(files({ 'docker-compose.yml': undefined, 'compose.yaml': COMPOSE, 'build.sh': undefined, Makefile: make }));
    expect(out['compose.yaml']).toBe(COMPOSE_AFTER);
    expect(out['Makefile']).toBe(['image:', '\tdocker build -t acme/app:latest .', ''].join('\n'));
  });

  it('`docker compose up builder` from package.json', () => {
    const pkg = JSON.stringify({ scripts: { image: 'docker compose up builder && docker compose build app' } }, null, 2) + '\n';
    const out = migrated(files({ 'build.sh': undefined, 'package.json': pkg }));
    expect(JSON.parse(out['package.json']!).scripts.image).toBe('docker compose build app');
  });

  it('a `docker compose build` of every service stays: without the builder service it builds the rest', () => {
    const script = ['#!/bin/sh', 'docker compose build', 'docker compose run --rm builder', 'docker compose build app', ''].join('\n');
    const out = migrated(files({ 'build.sh': script }));
    expect(out['build.sh']).toBe(['#!/bin/sh', 'docker compose build', 'docker compose build app', ''].join('\n'));
    expect(out['docker-compose.yml']).toBe(COMPOSE_AFTER);
  });

  it('the default compose file of a parent folder, and the only service: the compose file goes', () => {
    const compose = ['version: "3.8"', 'services:', '  builder:', '    build: {context: ., dockerfile: Dockerfile.build}', '    volumes: ["./out:/out"]', '    command: cp /src/app /out/', ''].join('\n');
    const script = ['#!/bin/sh', 'cd ..', 'docker compose run --rm builder', 'docker build -t acme/app .', ''].join('\n');
    const out = migrated(files({ 'docker-compose.yml': compose, 'build.sh': undefined, 'scripts/build.sh': script }));
    expect(out['docker-compose.yml']).toBeUndefined();
    expect(out['scripts/build.sh']).toBe(['#!/bin/sh', 'cd ..', 'docker build -t acme/app .', ''].join('\n'));
  });

  it('`docker compose rm|stop` of the builder service go with it; `down` stays', () => {
    const script = ['#!/bin/sh', 'docker compose run builder', 'docker compose stop builder', 'docker compose rm -f builder', 'docker compose build app', 'docker compose down', ''].join('\n');
    const out = migrated(files({ 'build.sh': script }));
    expect(out['build.sh']).toBe(['#!/bin/sh', 'docker compose build app', 'docker compose down', ''].join('\n'));
  });

  it('keeps comments and layout elsewhere in the compose file', () => {
    const compose = ['# dev stack', 'services:', '  db:', '    image: postgres:16 # pinned', '', '  # the toolchain', '  builder:', '    build:', '      context: .', '      dockerfile: Dockerfile.build', '    volumes:', '      - type: bind', '        source: ./out', '        target: /out', '    command: cp /src/app /out/', '', '  app:', '    build: .', '', 'volumes:', '  data: {}', ''].join('\n');
    const out = migrated(files({ 'docker-compose.yml': compose }));
    expect(out['docker-compose.yml']).toBe(['# dev stack', 'services:', '  db:', '    image: postgres:16 # pinned', '', '  app:', '    build: .', '', 'volumes:', '  data: {}', ''].join('\n'));
  });
});

describe('compose: refusals name the file and line, and nothing is written', () => {
  const builderWith = (extra: string[]) => COMPOSE.replace('    command: ["cp", "/src/app", "/out/"]\n', ['    command: ["cp", "/src/app", "/out/"]', ...extra].map((l) => `${l}\n`).join(''));

  it('env_file (COMPOSE_UNSUPPORTED)', () => {
    refused(planFiles(files({ 'docker-compose.yml': builderWith(['    env_file: .env']) })), 'COMPOSE_UNSUPPORTED', 'docker-compose.yml', 10);
  });

  it('a variable interpolated by compose (COMPOSE_DYNAMIC)', () => {
    const compose = COMPOSE.replace('["cp", "/src/app", "/out/"]', 'cp /src/${APP} /out/');
    refused(planFiles(files({ 'docker-compose.yml': compose })), 'COMPOSE_DYNAMIC', 'docker-compose.yml', 9);
  });

  it('a value YAML reads as no string, which compose passes on otherwise than written (COMPOSE_UNSUPPORTED)', () => {
    for (const value of ['24.10', '~', '0x10', 'null', 'True']) {
      const plan = planFiles(files({ 'docker-compose.yml': builderWith(['    environment:', `      RELEASE: ${value}`]) }));
      refused(plan, 'COMPOSE_UNSUPPORTED', 'docker-compose.yml', 11);
      expect(plan.setups[0]!.diagnostics.find((d) => d.code === 'COMPOSE_UNSUPPORTED')!.message).toContain(`\`${value}\` is no string to compose`);
    }
    // quoted, or a number written as compose writes it back: passed as written
    for (const value of ['"24.10"', '8080', 'true', 'release']) migrated(files({ 'docker-compose.yml': builderWith(['    environment:', `      RELEASE: ${value}`]) }));
  });

  it('COMPOSE_* settings in the project\'s .env, which choose the files compose reads (COMPOSE_UNSUPPORTED)', () => {
    refused(planFiles(files({ '.env': 'COMPOSE_FILE=docker-compose.yml:compose.ci.yml\n', 'compose.ci.yml': 'services:\n  builder:\n    command: ["true"]\n' })), 'COMPOSE_UNSUPPORTED', 'build.sh', 3);
    migrated(files({ '.env': 'GREETING=hi\n' }));
  });

  it('another service extending the builder by its name alone, `extends: builder` (COMPOSE_SERVICE_USED)', () => {
    refused(planFiles(files({ 'docker-compose.yml': `${COMPOSE}  shell:\n    extends: builder\n    command: ["sh"]\n` })), 'COMPOSE_SERVICE_USED', 'docker-compose.yml', 3);
  });

  it('build args of the builder service, carried to a docker build by value; a value that is no plain text refuses', () => {
    const withArgs = (value: string) => files({ 'docker-compose.yml': COMPOSE.replace('      dockerfile: Dockerfile.build\n', `      dockerfile: Dockerfile.build\n      args:\n        RELEASE: ${value}\n`).replace(/  app:[\s\S]*$/, ''), 'build.sh': SCRIPT.replace('docker compose build app', 'docker build -t acme/app:latest .') });
    const plan = planFiles(withArgs('"2024.12"'));
    expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
    expect(applied(withArgs('"2024.12"'), plan)['build.sh']).toContain('docker build --build-arg RELEASE=2024.12 -t acme/app:latest .');
    const quoted = planFiles(withArgs('"a b"'));
    expect(quoted.setups[0]!.diagnostics.find((d) => d.code === 'SCRIPT_EDIT_UNSAFE')!.message).toContain('`RELEASE=a b` is not plain text');
  });

  it('an environment value taken from the host (COMPOSE_DYNAMIC)', () => {
    refused(planFiles(files({ 'docker-compose.yml': builderWith(['    environment:', '      - GOFLAGS']) })), 'COMPOSE_DYNAMIC', 'docker-compose.yml', 11);
  });

  it('a named volume (COMPOSE_UNSUPPORTED)', () => {
    const plan = planFiles(files({ 'docker-compose.yml': COMPOSE.replace('      - ./out:/out\n', '      - ./out:/out\n      - gocache:/root/.cache\n') }));
    refused(plan, 'COMPOSE_UNSUPPORTED', 'docker-compose.yml', 9);
    expect(plan.setups[0]!.diagnostics.map((d) => d.message).join('\n')).toContain('the named volume `gocache`');
  });

  it('another service depends on the builder (COMPOSE_SERVICE_USED)', () => {
    const compose = COMPOSE.replace('    image: acme/app:latest\n', '    image: acme/app:latest\n    depends_on: [builder]\n');
    refused(planFiles(files({ 'docker-compose.yml': compose })), 'COMPOSE_SERVICE_USED', 'docker-compose.yml', 3);
  });

  it('a command that stays still names the builder service (COMPOSE_SERVICE_USED)', () => {
    const script = SCRIPT.replace('rm -rf out\n', 'rm -rf out\ndocker compose logs builder\n');
    refused(planFiles(files({ 'build.sh': script })), 'COMPOSE_SERVICE_USED', 'build.sh', 6);
  });

  it('a compose command that stays reads the compose file the migration would delete (COMPOSE_SERVICE_USED)', () => {
    const only = COMPOSE.replace(/  app:[\s\S]*$/, '');
    const script = ['#!/bin/sh', 'set -e', 'docker compose run --rm builder', 'docker build -t acme/app:latest .', 'docker compose down --remove-orphans', 'rm -rf out', ''].join('\n');
    const plan = planFiles(files({ 'docker-compose.yml': only, 'build.sh': script }));
    refused(plan, 'COMPOSE_SERVICE_USED', 'build.sh', 5);
    expect(plan.setups[0]!.diagnostics.map((d) => d.message).join('\n')).toContain('`docker compose down --remove-orphans` still reads docker-compose.yml, which the migration deletes');
    // in another script too
    const clean = ['#!/bin/sh', 'docker compose down --rmi local', ''].join('\n');
    refused(planFiles(files({ 'docker-compose.yml': only, 'build.sh': script.replace('docker compose down --remove-orphans\n', ''), 'clean.sh': clean })), 'COMPOSE_SERVICE_USED', 'clean.sh', 2);
    // without such a command the file goes
    const out = migrated(files({ 'docker-compose.yml': only, 'build.sh': script.replace('docker compose down --remove-orphans\n', '') }));
    expect(out['docker-compose.yml']).toBeUndefined();
  });

  it('the image compose built for the builder service, `<project>-<service>`, is used later (BUILDER_TAG_USED)', () => {
    const use = (name: string, script = SCRIPT) => script.replace('rm -rf out\n', `rm -rf out\ndocker run --rm ${name} go test ./...\n`);
    // the project named by the file, by -p, by COMPOSE_PROJECT_NAME, by the compose file's folder
    refused(planFiles(files({ 'docker-compose.yml': `name: hrefs\n${COMPOSE}`, 'build.sh': use('hrefs-builder') })), 'BUILDER_TAG_USED', 'build.sh', 3);
    refused(planFiles(files({ 'build.sh': use('ci_builder', SCRIPT.replace('compose run', 'compose -p CI run')) })), 'BUILDER_TAG_USED', 'build.sh', 3);
    refused(planFiles(files({ 'build.sh': use('hrefs-builder', SCRIPT.replace('set -e\n', 'set -e\nexport COMPOSE_PROJECT_NAME=hrefs\n')) })), 'BUILDER_TAG_USED', 'build.sh', 4);
    const deploy = COMPOSE.replace('context: .', 'context: ..').replace('./out:/out', '../out:/out').replace('build: .', 'build: ..');
    const plan = planFiles(files({ 'docker-compose.yml': undefined, 'deploy/compose.yaml': deploy, 'build.sh': use('deploy-builder', SCRIPT.replaceAll('docker compose', 'docker compose -f deploy/compose.yaml')) }));
    refused(plan, 'BUILDER_TAG_USED', 'build.sh', 3);
    expect(plan.setups[0]!.diagnostics.find((d) => d.code === 'BUILDER_TAG_USED')!.message).toContain('is still used by `docker run --rm deploy-builder go test ./...` (build.sh:6)');
    // in the checkout's own folder the project's name is not known: a name that may be it counts
    const root = planFiles(files({ 'build.sh': use('myrepo_builder') }));
    refused(root, 'BUILDER_TAG_USED', 'build.sh', 3);
    expect(root.setups[0]!.diagnostics.find((d) => d.code === 'BUILDER_TAG_USED')!.message).toContain('may still be used by `docker run --rm myrepo_builder go test ./...` (build.sh:6)');
    // another project's image, or another service's, is no use of it
    migrated(files({ 'docker-compose.yml': `name: hrefs\n${COMPOSE}`, 'build.sh': use('other-builder') }));
    migrated(files({ 'build.sh': use('myrepo-tools') }));
  });

  it('an override file compose would merge (COMPOSE_UNSUPPORTED)', () => {
    refused(planFiles(files({ 'docker-compose.override.yml': 'services:\n  builder:\n    environment: {A: "1"}\n' })), 'COMPOSE_UNSUPPORTED', 'build.sh', 3);
  });

  it('an override file of the other base name, which compose merges all the same (COMPOSE_UNSUPPORTED)', () => {
    // compose-go takes the first of its override names in the folder, whichever compose file it found
    const plan = planFiles(files({ 'docker-compose.yml': undefined, 'compose.yaml': COMPOSE, 'docker-compose.override.yml': 'services:\n  builder:\n    command: ["cp", "/src/app-debug", "/out/app"]\n' }));
    refused(plan, 'COMPOSE_UNSUPPORTED', 'build.sh', 3);
    expect(plan.setups[0]!.diagnostics.map((d) => d.message)).toContain('compose merges docker-compose.override.yml into compose.yaml, which the tool does not do');
  });

  it('two default compose files in the folder: which one runs depends on the compose (COMPOSE_UNSUPPORTED)', () => {
    const other = COMPOSE.replace('"/src/app"', '"/src/app-debug"');
    const plan = planFiles(files({ 'docker-compose.yaml': COMPOSE, 'docker-compose.yml': other }));
    refused(plan, 'COMPOSE_UNSUPPORTED', 'build.sh', 3);
    expect(plan.setups[0]!.diagnostics.map((d) => d.message).join('\n')).toContain('finds docker-compose.yml and docker-compose.yaml');
    // one of them alone is read
    migrated(files({ 'docker-compose.yml': undefined, 'docker-compose.yaml': COMPOSE }));
  });

  it('an environment variable passed through `run -e NAME` (COMPOSE_DYNAMIC)', () => {
    refused(planFiles(files({ 'build.sh': SCRIPT.replace('run --rm builder', 'run --rm -e GOFLAGS builder') })), 'COMPOSE_DYNAMIC', 'build.sh', 3);
  });

  it('a compose file only known at run time: not analysed, and said so (COMPOSE_DYNAMIC)', () => {
    const plan = planFiles(files({ 'build.sh': SCRIPT.replace('docker compose run', 'docker compose -f "$1" run') }));
    expect(plan.changes).toEqual([]);
    expect(plan.diagnostics.map((d) => [d.code, d.file, d.line])).toContainEqual(['COMPOSE_DYNAMIC', 'build.sh', 3]);
  });

  it('COMPOSE_FILE set by the script names the file', () => {
    const script = SCRIPT.replace('set -e\n', 'set -e\nexport COMPOSE_FILE=ci/compose.yaml\n');
    const compose = COMPOSE.replace('context: .', 'context: ..').replace('./out:/out', '../out:/out').replace('build: .', 'build: ..');
    const plan = planFiles(files({ 'docker-compose.yml': undefined, 'ci/compose.yaml': compose, 'build.sh': script }));
    expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
    expect(applied(files({ 'docker-compose.yml': undefined, 'ci/compose.yaml': compose, 'build.sh': script }), plan)['ci/compose.yaml']).toBe(COMPOSE_AFTER.replace('build: .', 'build: ..'));
  });

  it('a builder service built from a YAML merge key (COMPOSE_UNSUPPORTED)', () => {
    const compose = 'x-go: &go\n  working_dir: /src\n' + COMPOSE.replace('    command: ["cp", "/src/app", "/out/"]\n', '    command: ["cp", "/src/app", "/out/"]\n    <<: *go\n');
    refused(planFiles(files({ 'docker-compose.yml': compose })), 'COMPOSE_UNSUPPORTED', 'docker-compose.yml', 5);
  });

  it('a detached run (COMPOSE_UNSUPPORTED)', () => {
    refused(planFiles(files({ 'build.sh': SCRIPT.replace('run --rm builder', 'run -d builder') })), 'COMPOSE_UNSUPPORTED', 'build.sh', 3);
  });
});

describe('compose: from CI, and hostile compose files', () => {
  it('a GitHub Actions step runs the builder service: the step goes, the service goes', () => {
    const wf = ['on: push', 'jobs:', '  image:', '    runs-on: ubuntu-latest', '    steps:', '      - uses: actions/checkout@v4', '      # Compile in the toolchain service.', '      - run: docker compose run --rm builder', '      - run: docker compose build app', ''].join('\n');
    const out = migrated(files({ 'build.sh': undefined, '.github/workflows/image.yml': wf }));
    expect(out['.github/workflows/image.yml']).toBe(['on: push', 'jobs:', '  image:', '    runs-on: ubuntu-latest', '    steps:', '      - uses: actions/checkout@v4', '      - run: docker compose build app', ''].join('\n'));
    expect(out['docker-compose.yml']).toBe(COMPOSE_AFTER);
  });

  const hostile = [
    'services: [builder]\n',
    'services:\n  builder:\n',
    'services:\n  builder: [1, 2]\n',
    'services:\n  builder:\n    build: {context: [.]}\n    volumes: [{type: bind}, 3, "a:b:c:d"]\n    command: {a: b}\n',
    'services:\n  builder:\n    build: .\n    environment: [A]\n    command: "unclosed \'quote"\n',
    ': : :\n  - [\n',
    '',
  ];
  for (const [i, compose] of hostile.entries()) {
    it(`does not throw on hostile compose file #${i + 1}, and writes nothing`, () => {
      const plan = planFiles(files({ 'docker-compose.yml': compose }));
      expect(plan.changes).toEqual([]);
      expect(plan.setups.every((s) => s.status === 'refused')).toBe(true);
    });
  }
});
