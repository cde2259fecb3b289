/**
 * Image builds in files the tool does not read as scripts (src/plan/unread-builds.ts): found on
 * their lines, in any quoting, or in a YAML file's strings and program/argument-list steps; only
 * the Dockerfile's name is read.
 */
import { describe, expect, it } from 'vitest';
import { mayBuild, unreadBuildsIn } from '../../src/plan/unread-builds.js';
import { planFiles } from '../support/plan.js';

const found = (file: string, text: string) => unreadBuildsIn(file, text).map((b) => [b.line, b.program, b.dockerfiles ?? b.names]);

describe('builds in files the tool does not read', () => {
  it('finds an engine build on a line, in any quoting, past global options; not other verbs or comments', () => {
    expect(found('release.py', 'import subprocess\n# docker build -t x .\nsubprocess.run(["docker", "build", "-t", "app", "."])\n')).toEqual([[3, 'docker', ['Dockerfile']]]);
    // A file whose runner is not known: read from its folder and from the root.
    expect(found('ops/ship.rb', 'system("docker --context ci buildx build -f deploy/Dockerfile.prod .")\n')).toEqual([[1, 'docker', ['ops/deploy/Dockerfile.prod', 'deploy/Dockerfile.prod']]]);
    // A path only known when the file runs: any Dockerfile of the name it gives, or of any name.
    expect(found('tox.ini', '[testenv:image]\ncommands = podman build --file=deploy/Dockerfile.$ENV .\n  buildah bud -t app $CTX\n')).toEqual([[2, 'podman', []], [3, 'buildah', ['Dockerfile', 'Containerfile']]]);
    expect(found('ship.rb', 'system("/kaniko/executor --context $CI_PROJECT_DIR --dockerfile $CI_PROJECT_DIR/Dockerfile")\nsystem("buildctl build --frontend dockerfile.v0 --local dockerfile=ci --opt filename=Dockerfile.ci")\n')).toEqual([[1, 'kaniko', ['Dockerfile']], [2, 'buildctl', ['ci/Dockerfile.ci']]]);
    // Not a build: another verb (whatever words follow), an image name, a whole-line comment.
    expect(found('release.py', 'subprocess.run(["docker", "run", "--rm", "app", "make", "build"])\nimage = "docker.io/acme/build-tools"\n  # docker build .\n')).toEqual([]);
  });

  it('takes only the build verbs each engine has', () => {
    const lines = ['"docker builder build -t a ."', '"nerdctl builder build -t a ."', '"podman buildx build -t a ."', '"docker buildx bake"', '"podman bake"', '"nerdctl bake"', '"podman builder build -t a ."', '"nerdctl buildx build -t a ."', '"buildah bake"'];
    expect(found('ship.py', lines.join('\n') + '\n')).toEqual([[1, 'docker', ['Dockerfile']], [2, 'nerdctl', ['Dockerfile']], [3, 'podman', ['Dockerfile', 'Containerfile']], [4, 'docker', ['Dockerfile']]]);
  });

  it('knows kaniko\'s executor by its flags as scripts do, not only by a path naming kaniko', () => {
    expect(found('ship.py', 'subprocess.run(["/usr/local/bin/executor", "--context", ".", "--dockerfile", "deploy/Dockerfile.prod"])\nsubprocess.run(["executor", "--help"])\n')).toEqual([[1, 'kaniko', ['deploy/Dockerfile.prod']]]);
  });

  it('reads a build from the folder the file\'s runner runs its commands in', () => {
    // just and Task: the file's own folder (a task's `dir:` from there); CodeBuild: the source root.
    expect(found('ops/justfile', 'image:\n    docker --context ci buildx build -f deploy/Dockerfile.prod .\n')).toEqual([[2, 'docker', ['ops/deploy/Dockerfile.prod']]]);
    expect(found('svc/api/Taskfile.yml', 'tasks:\n  image:\n    cmds: ["podman build -t api ."]\n')).toEqual([[3, 'podman', ['svc/api/Dockerfile', 'svc/api/Containerfile']]]);
    expect(found('svc/Taskfile.yml', 'tasks:\n  image:\n    dir: web\n    cmds:\n      - docker build -t web .\n')).toEqual([[5, 'docker', ['svc/web/Dockerfile']]]);
    expect(found('svc/buildspec.yml', 'phases:\n  build:\n    commands:\n      - docker build -t svc .\n')).toEqual([[4, 'docker', ['Dockerfile']]]);
    expect(found('svc/tox.ini', '[testenv:image]\ncommands = docker build -t svc .\n')).toEqual([[2, 'docker', ['svc/Dockerfile']]]);
    // A Taskfile another may include ran, in older Task, from the including file's folder; a recipe that may not change folder, from anywhere.
    expect(unreadBuildsIn('svc/Taskfile.yml', 'tasks:\n  image:\n    cmds: ["docker build ."]\n', ['Taskfile.yml', 'svc/Taskfile.yml']).map((b) => b.dockerfiles)).toEqual([['svc/Dockerfile', 'Dockerfile']]);
    expect(found('svc/justfile', '[no-cd]\nimage:\n    docker build .\n')).toEqual([[3, 'docker', ['svc/Dockerfile', 'Dockerfile']]]);
    // A file that changes folder in a way not followed may build from any: by the Dockerfile's name only.
    expect(found('svc/justfile', 'image:\n    cd .. && docker build -t app .\n')).toEqual([[2, 'docker', ['Dockerfile']]]);
    expect(unreadBuildsIn('tools/ship.py', 'os.chdir(service)\nsubprocess.run(["docker", "build", "-f", "deploy/Dockerfile.prod", "."])\n').map((b) => [b.dockerfiles, b.names])).toEqual([[null, ['Dockerfile.prod']]]);
    // One that enters folders below by a name it writes may build in any of them, from the file's folder or any above it.
    expect(unreadBuildsIn('tools/ship.py', 'subprocess.run(["docker", "build", "-f", "deploy/Dockerfile.prod", "."], cwd="svc")\n').map((b) => b.dockerfiles)).toEqual([
      ['tools/deploy/Dockerfile.prod', 'deploy/Dockerfile.prod', 'tools/svc/deploy/Dockerfile.prod', 'svc/deploy/Dockerfile.prod'],
    ]);
    expect(found('ci/pipeline.yml', 'script:\n  - cd api\n  - docker build -t api .\n')).toEqual([[3, 'docker', ['ci/Dockerfile', 'Dockerfile', 'ci/api/Dockerfile', 'api/Dockerfile']]]);
    // Cloud Build: the source sent may be the file's folder or the root; a step's `dir:` from there; a `dir:` only known at run time, any folder.
    const cloud = 'steps:\n  - name: gcr.io/cloud-builders/docker\n    dir: api\n    args: ["build", "-t", "api", "."]\n  - name: gcr.io/cloud-builders/docker\n    dir: $_DIR\n    args: ["build", "-t", "x", "."]\n';
    expect(found('deploy/cloudbuild.yaml', cloud)).toEqual([[2, 'docker', ['deploy/api/Dockerfile', 'api/Dockerfile']], [5, 'docker', ['Dockerfile']]]);
  });

  it('reads a YAML file\'s strings and its program/argument-list steps', () => {
    const cloud = 'steps:\n  - name: gcr.io/cloud-builders/docker\n    args: ["build", "-t", "gcr.io/p/app", "."]\n  - name: gcr.io/cloud-builders/docker\n    args: [push, gcr.io/p/app]\n';
    expect(found('cloudbuild.yaml', cloud)).toEqual([[2, 'docker', ['Dockerfile']]]);
    // cloudbuild.json: its steps' argument lists, each word on a line of its own, read as the YAML that JSON also is.
    const json = '{\n  "steps": [\n    {\n      "name": "gcr.io/cloud-builders/docker",\n      "args": [\n        "build",\n        "-f",\n        "Dockerfile.cloud",\n        "."\n      ]\n    }\n  ]\n}\n';
    expect(found('cloudbuild.json', json)).toEqual([[3, 'docker', ['Dockerfile.cloud']]]);
    const spec = 'version: 0.2\n# docker build -t old .\nphases:\n  build:\n    commands:\n      - |\n        echo start\n        docker build -f Dockerfile.release -t app .\n';
    expect(found('buildspec.yml', spec)).toEqual([[8, 'docker', ['Dockerfile.release']]]);
  });

  it('may build the Dockerfiles it resolves to; with a path only known at run time, any of the name it gives', () => {
    const [named, plain, dynamic] = unreadBuildsIn('t.py', '"docker build -f web/Dockerfile.web ."\n"docker build $CTX"\n"docker build -f $F ."\n');
    expect([mayBuild(named!, 'web/Dockerfile.web'), mayBuild(named!, 'api/Dockerfile.web')]).toEqual([true, false]);
    expect([mayBuild(plain!, 'svc/Dockerfile'), mayBuild(plain!, 'Dockerfile.runtime')]).toEqual([true, false]);
    expect(mayBuild(dynamic!, 'Dockerfile.runtime')).toBe(true);
  });

  it('refuses a setup whose runtime Dockerfile such a build may build, naming the file and line', () => {
    const files = {
      'Dockerfile.build': 'FROM golang:1.21\nARG GOFLAGS\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
      Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
      'main.go': 'package main\n',
      'build.sh': '#!/bin/sh\nset -e\ndocker build -t app:build -f Dockerfile.build .\ndocker create --name x app:build\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build -t app:latest .\n',
    };
    const rebuilt = (extra: Record<string, string>) => planFiles({ ...files, ...extra }).setups[0]!.diagnostics.filter((d) => d.code === 'RUNTIME_REBUILT').map((d) => [d.file, d.line]);
    expect(rebuilt({ 'buildspec.yml': 'phases:\n  build:\n    commands:\n      - docker build --build-arg GOFLAGS=-race -t app:race .\n' })).toEqual([['buildspec.yml', 4]]);
    expect(rebuilt({ 'buildspec.yml': 'phases:\n  build:\n    commands:\n      - docker build -f Dockerfile.debug -t app:debug .\n' })).toEqual([]);
    // CodeBuild runs a buildspec's commands from the root wherever the file is.
    expect(rebuilt({ 'svc/buildspec.yml': 'phases:\n  build:\n    commands:\n      - docker build -t svc .\n' })).toEqual([['svc/buildspec.yml', 4]]);
    // Another service's build, from either folder, is not this Dockerfile's.
    expect(rebuilt({ 'svc/buildspec.yml': 'phases:\n  build:\n    commands:\n      - docker build -t svc -f svc/Dockerfile svc\n', 'svc/Dockerfile': 'FROM alpine\n' })).toEqual([]);
    // A service's Taskfile builds the service's own Dockerfile, not the root's.
    expect(rebuilt({ 'svc/Taskfile.yml': 'version: "3"\ntasks:\n  image:\n    cmds:\n      - docker build -t svc .\n', 'svc/Dockerfile': 'FROM alpine\n' })).toEqual([]);
    // ...but not one that changes folder first.
    expect(rebuilt({ 'svc/justfile': 'image:\n    cd .. && docker build -t app:race --build-arg GOFLAGS=-race .\n' })).toEqual([['svc/justfile', 2]]);
    // Documentation shows builds; nobody runs it.
    expect(rebuilt({ 'docs/release.yml': 'steps:\n  - run: docker build -t app:race .\n' })).toEqual([]);
  });
});

describe('cloud builders: `gcloud builds submit --tag` and `az acr build`', () => {
  it('read as builds of the Dockerfile in their SOURCE (`--file` from there for az), by name only on a line of another language', () => {
    expect(found('deploy/ship.sh', '#!/bin/sh\ngcloud builds submit --region=europe-west1 --tag gcr.io/p/web web\naz acr build -r reg -t api:1 -f Dockerfile.prod api\ngcloud beta builds submit --tag gcr.io/p/app\n')).toEqual([
      [2, 'gcloud', ['deploy/web/Dockerfile', 'web/Dockerfile']],
      [3, 'az', ['deploy/api/Dockerfile.prod', 'api/Dockerfile.prod']],
      [4, 'gcloud', ['deploy/Dockerfile', 'Dockerfile']],
    ]);
    expect(found('release.py', 'subprocess.run(["gcloud", "builds", "submit", "--tag", "gcr.io/p/app"], check=True)\n')).toEqual([[1, 'gcloud', ['Dockerfile']]]);
    // A Cloud Build step that submits another build.
    expect(found('cloudbuild.yaml', 'steps:\n- name: gcr.io/cloud-builders/gcloud\n  args: ["builds", "submit", "--tag", "gcr.io/p/app", "."]\n')).toEqual([[2, 'gcloud', ['Dockerfile']]]);
    // An option not in the table: the SOURCE is not known. A tag only known at run time is read as the shell splits the line.
    expect(found('deploy/ship.sh', 'gcloud builds submit --tag gcr.io/p/app --frobnicate web\n')).toEqual([[1, 'gcloud', ['Dockerfile']]]);
    expect(found('deploy/ship.sh', 'gcloud builds submit --tag "gcr.io/${PROJECT}/app:${VERSION}" web\n')).toEqual([[1, 'gcloud', ['deploy/web/Dockerfile', 'web/Dockerfile']]]);
  });

  it('not a build of a Dockerfile: a cloudbuild config, buildpacks, another command', () => {
    expect(found('ship.sh', 'gcloud builds submit --config cloudbuild.ci.yaml .\ngcloud builds submit --pack image=gcr.io/p/app .\ngcloud builds list\naz acr login -n reg\n')).toEqual([]);
  });

  it('refuses a setup whose runtime Dockerfile such a build may build, in a script the tool reads and in one it passes over', () => {
    const SETUP = {
      'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/relay .\n',
      Dockerfile: 'FROM alpine:3.19\nCOPY relay /usr/local/bin/relay\n',
      'main.go': 'package main\n',
      'build.sh': '#!/bin/sh\nset -e\ndocker build -t relay-build -f Dockerfile.build .\ndocker create --name relay-x relay-build\ndocker cp relay-x:/out/relay ./relay\ndocker rm relay-x\ndocker build -t relay:latest .\n',
    };
    const errors = (extra: Record<string, string>) => planFiles({ ...SETUP, ...extra }).setups[0]!.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.file}:${d.line}`);
    expect(errors({ 'deploy.sh': '#!/bin/sh\nset -e\n./build.sh\ndocker push relay:latest\ngcloud builds submit --tag "gcr.io/$PROJECT/relay" .\n' })).toEqual(['RUNTIME_REBUILT deploy.sh:5']);
    expect(errors({ 'deploy.sh': '#!/bin/sh\nset -e\naz acr build --registry reg --image relay:latest .\n' })).toEqual(['RUNTIME_REBUILT deploy.sh:3']);
    // Another folder's Dockerfile is not the runtime one.
    expect(errors({ 'web/Dockerfile': 'FROM nginx\n', 'deploy.sh': '#!/bin/sh\nset -e\ngcloud builds submit --tag gcr.io/p/web web\n' })).toEqual([]);
  });
});
