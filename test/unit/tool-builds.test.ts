/**
 * Image builds by build tools whose settings name a Dockerfile without naming the engine
 * (src/plan/tool-builds.ts): which Dockerfile each builds, where that is said, and the refusal
 * of a setup whose runtime Dockerfile one may build.
 */
import { describe, expect, it } from 'vitest';
import { toolBuilds } from '../../src/plan/tool-builds.js';
import { planFiles } from '../support/plan.js';

const found = (file: string, text: string) => toolBuilds(file, text).map((b) => [b.line, b.program, b.dockerfiles ?? b.names]);

describe('builds by build tools', () => {
  it('reads skaffold artifacts built from a Dockerfile, in their context, from the file\'s folder', () => {
    const text = 'apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n    - image: api\n      context: api\n    - image: web\n      context: web\n      docker:\n        dockerfile: deploy/Dockerfile.web\n    - image: jvm\n      jib: {}\nprofiles:\n  - name: ci\n    build:\n      artifacts:\n        - image: ci\n          kaniko:\n            dockerfile: Dockerfile.ci\n';
    expect(found('k8s/skaffold.yaml', text)).toEqual([[5, 'skaffold', ['k8s/api/Dockerfile']], [7, 'skaffold', ['k8s/web/deploy/Dockerfile.web']], [17, 'skaffold', ['k8s/Dockerfile.ci']]]);
    expect(found('skaffold.yaml', 'build:\n  artifacts:\n    - image: x\n      context: "{{.CTX}}"\n')).toEqual([[3, 'skaffold', ['Dockerfile']]]);
  });

  it('reads a dev container\'s, Heroku\'s and fly\'s Dockerfile', () => {
    expect(found('.devcontainer/devcontainer.json', '{\n  // the app image\n  "build": { "dockerfile": "../Dockerfile", "context": ".." },\n}\n')).toEqual([[3, 'Dev Containers', ['Dockerfile']]]);
    expect(found('.devcontainer/devcontainer.json', '{ "image": "mcr.microsoft.com/devcontainers/go" }\n')).toEqual([]);
    expect(found('heroku.yml', 'build:\n  docker:\n    web: Dockerfile\n    worker:\n      dockerfile: worker/Dockerfile\n')).toEqual([[3, 'Heroku', ['Dockerfile']], [4, 'Heroku', ['worker/Dockerfile']]]);
    expect(found('fly.toml', 'app = "beacon"\n\n[build]\n  dockerfile = "Dockerfile.fly"\n')).toEqual([[4, 'fly', ['Dockerfile.fly']]]);
    expect(found('svc/fly.toml', '[build]\n  dockerfile = "Dockerfile"\n')).toEqual([[2, 'fly', ['svc/Dockerfile']]]);
    // No [build] table: flyctl builds `Dockerfile`; an image or a builder builds none.
    expect(found('svc/fly.toml', 'app = "svc"\n')).toEqual([[1, 'fly', ['svc/Dockerfile', 'Dockerfile']]]);
    expect(found('fly.toml', 'app = "x"\n[build]\n  image = "flyio/hellofly:latest"\n')).toEqual([]);
  });

  it('parses fly.toml as TOML: every spelling of the [build] table, nothing outside it', () => {
    expect(found('fly.toml', 'app = "x"\nbuild = { dockerfile = "Dockerfile.fly" }\n')).toEqual([[2, 'fly', ['Dockerfile.fly']]]);
    expect(found('fly.toml', "app = \"x\"\nbuild.dockerfile = 'Dockerfile.fly'\n")).toEqual([[2, 'fly', ['Dockerfile.fly']]]);
    expect(found('fly.toml', '[build] # the app\n  dockerfile = "Dockerfile.fly" # production image\n[build.args]\n  GOFLAGS = "-race"\n')).toEqual([[2, 'fly', ['Dockerfile.fly']]]);
    expect(found('fly.toml', '[ "build" ]\n  dockerfile = """Dockerfile.fly"""\n')).toEqual([[2, 'fly', ['Dockerfile.fly']]]);
    // A key that only says "dockerfile" elsewhere is no build setting.
    expect(found('fly.toml', '[build]\n  image = "registry.fly.io/app:v1"\n[env]\n  DOCKERFILE_LINT = "off"\n# dockerfile = "Dockerfile"\n')).toEqual([]);
    expect(found('fly.toml', '[build]\n  builder = "paketobuildpacks/builder:base"\n')).toEqual([]);
    // What it cannot read builds a Dockerfile of any name: a dockerfile that is no string, a file that is no TOML.
    expect(found('fly.toml', '[build]\n  dockerfile = ["a", "b"]\n')).toEqual([[2, 'fly', []]]);
    expect(found('fly.toml', 'app = "x"\n[build\n')).toEqual([[2, 'fly', []]]);
  });

  it('parses a Tiltfile: each docker_build call\'s Dockerfile, from the file\'s folder', () => {
    expect(found('Tiltfile', "# docker_build('old', '.')\ndocker_build('api', 'api', dockerfile='api/Dockerfile.dev')\n")).toEqual([[2, 'Tilt', ['api/Dockerfile.dev']]]);
    expect(found('svc/Tiltfile', "docker_build('api', 'api', dockerfile='api/Dockerfile.dev')\ndocker_build(\n  'web',\n  context='web',\n)\n")).toEqual([[1, 'Tilt', ['svc/api/Dockerfile.dev']], [2, 'Tilt', ['svc/web/Dockerfile']]]);
    expect(found('Tiltfile', "docker_build('a', '.', {'X': '1'}, 'ci/Dockerfile.ci')\ndocker_build('b', '.', dockerfile_contents='FROM alpine')\nk8s_yaml('deploy.yaml')\n")).toEqual([[1, 'Tilt', ['ci/Dockerfile.ci']]]);
    // The restart extension passes its ref, context and keywords on to docker_build.
    expect(found('Tiltfile', "load('ext://restart_process', 'docker_build_with_restart')\ndocker_build_with_restart('api', '.', '/app', [])\n")).toEqual([[2, 'Tilt', ['Dockerfile']]]);
    // What is not a plain string leaves the Dockerfile to its name, or to any name.
    expect(found('Tiltfile', "df = 'api/' + name\ndocker_build('api', 'api', dockerfile=df)\n")).toEqual([[2, 'Tilt', []]]);
    expect(found('Tiltfile', "docker_build('api', ctx, dockerfile=ctx + '/Dockerfile')\n")).toEqual([[1, 'Tilt', []]]);
    expect(found('Tiltfile', "docker_build('api', ctx)\n")).toEqual([[1, 'Tilt', ['Dockerfile']]]);
    expect(found('Tiltfile', "docker_build(*args)\nb = docker_build\n")).toEqual([[1, 'Tilt', []], [2, 'Tilt', []]]);
    expect(found('Tiltfile', "docker_build('x', f'{d}', dockerfile=f'{d}/Dockerfile')\n")).toEqual([[1, 'Tilt', []]]);
    // A loaded function may build anything; a file that does not parse too.
    expect(found('Tiltfile', "load('./lib.star', 'build')\nbuild('api')\n")).toEqual([[2, 'Tilt', []]]);
    // Unless it is an extension that builds no image.
    expect(found('Tiltfile', "load('ext://helm_resource', 'helm_resource')\nhelm_resource('api', 'chart', image_deps=['api'])\n")).toEqual([]);
    expect(found('Tiltfile', "docker_build('api', 'api'\n")).toEqual([[1, 'Tilt', []]]);
  });

  it('parses a GoReleaser config: each dockers and dockers_v2 entry\'s Dockerfile, from the folder GoReleaser runs in', () => {
    const config = 'version: 2\nbuilds:\n  - id: app\n    binary: app\ndockers:\n  - image_templates: ["ghcr.io/acme/app:{{ .Version }}"]\n    dockerfile: Dockerfile\n  - image_templates: ["ghcr.io/acme/app:debug"]\n    dockerfile: deploy/Dockerfile.debug\n    extra_files: [LICENSE]\n  - image_templates: ["ghcr.io/acme/app:plain"]\n';
    expect(found('.goreleaser.yaml', config)).toEqual([[7, 'GoReleaser', ['Dockerfile']], [9, 'GoReleaser', ['deploy/Dockerfile.debug']], [11, 'GoReleaser', ['Dockerfile']]]);
    // Every name it looks up, and one given with --config: from the config's folder (or the one holding .config/), or the root.
    for (const name of ['.goreleaser.yml', 'goreleaser.yaml', 'goreleaser.yml', '.goreleaser.nightly.yaml']) expect(found(`svc/${name}`, config).map((b) => b[2])).toEqual([['svc/Dockerfile', 'Dockerfile'], ['svc/deploy/Dockerfile.debug', 'deploy/Dockerfile.debug'], ['svc/Dockerfile', 'Dockerfile']]);
    expect(found('.config/goreleaser.yaml', 'dockers:\n  - image_templates: [app]\n')).toEqual([[2, 'GoReleaser', ['Dockerfile']]]);
    expect(found('svc/.config/goreleaser.yml', 'dockers:\n  - image_templates: [app]\n')).toEqual([[2, 'GoReleaser', ['svc/Dockerfile', 'Dockerfile']]]);
    // dockers_v2: `dockerfile` (default Dockerfile), `templated_dockerfile` before it.
    expect(found('.goreleaser.yaml', 'dockers_v2:\n  - images: [ghcr.io/acme/app]\n    tags: ["{{ .Tag }}"]\n  - images: [x]\n    dockerfile: Dockerfile.ci\n    templated_dockerfile: Dockerfile.tmpl\n')).toEqual([[2, 'GoReleaser', ['Dockerfile']], [6, 'GoReleaser', ['Dockerfile.tmpl']]]);
    // A template names the Dockerfile by its literal last segment, or any.
    expect(found('.goreleaser.yaml', 'dockers:\n  - dockerfile: "{{ .Env.DOCKERFILE }}"\n  - dockerfile: "{{ .Env.DIR }}/Dockerfile"\n  - dockerfile: "build/{{ .Os }}.Dockerfile"\n')).toEqual([[2, 'GoReleaser', []], [3, 'GoReleaser', ['Dockerfile']], [4, 'GoReleaser', []]]);
    // Anchors and merge keys are resolved; nothing outside the docker sections counts.
    expect(found('.goreleaser.yaml', 'x-docker: &docker\n  dockerfile: Dockerfile.release\ndockers:\n  - <<: *docker\n    image_templates: [a]\n  - *docker\nnfpms:\n  - dockerfile: Dockerfile\n')).toEqual([[4, 'GoReleaser', ['Dockerfile.release']], [6, 'GoReleaser', ['Dockerfile.release']]]);
    expect(found('.goreleaser.yaml', 'builds:\n  - binary: app\ndockers: []\n')).toEqual([]);
    // What is not read exactly builds any Dockerfile: an include, an entry or a value of another kind, a file that does not parse.
    expect(found('.goreleaser.yaml', 'includes:\n  - from_file:\n      path: ./release/docker.yaml\n')).toEqual([[1, 'GoReleaser', []]]);
    expect(found('.goreleaser.yaml', 'dockers:\n  - dockerfile: [a, b]\n  - just-a-string\n')).toEqual([[2, 'GoReleaser', []], [3, 'GoReleaser', []]]);
    expect(found('.goreleaser.yaml', 'dockers: Dockerfile\n')).toEqual([[1, 'GoReleaser', []]]);
    expect(found('.goreleaser.yaml', 'dockers:\n  - dockerfile: "Dockerfile\n')).toEqual([[2, 'GoReleaser', []]]);
  });

  it('parses a bake file: each target\'s Dockerfile in its context, HCL or JSON', () => {
    const hcl = 'variable "TAG" { default = "dev" }\ngroup "default" {\n  targets = ["app"]\n}\ntarget "app" {\n  context = "svc"\n  dockerfile = "ci/Dockerfile.test"\n  tags = ["app:${TAG}"]\n}\ntarget "base" {}\n';
    expect(found('docker-bake.hcl', hcl)).toEqual([[5, 'docker buildx bake', ['svc/ci/Dockerfile.test']], [10, 'docker buildx bake', ['Dockerfile']]]);
    // From the file's folder, or from the root it may be named from.
    expect(found('deploy/docker-bake.hcl', 'target "app" {\n  context = ".."\n}\n')).toEqual([[1, 'docker buildx bake', ['Dockerfile', '../Dockerfile']]]);
    // Inherited attributes; a cwd:// Dockerfile from the folder bake runs in; an inline one builds no file.
    const inherits = 'target "_common" {\n  context = "api"\n}\ntarget "api" {\n  inherits = ["_common"]\n  dockerfile = "cwd://Dockerfile.api"\n}\ntarget "lint" {\n  inherits = ["_common"]\n  dockerfile-inline = "FROM x"\n}\n';
    expect(found('docker-bake.hcl', inherits)).toEqual([[1, 'docker buildx bake', ['api/Dockerfile']], [4, 'docker buildx bake', ['Dockerfile.api']]]);
    // An expression or an unknown parent: the Dockerfile by its name, or any.
    expect(found('docker-bake.hcl', 'target "app" {\n  context = "${CTX}"\n}\n')).toEqual([[1, 'docker buildx bake', ['Dockerfile']]]);
    expect(found('docker-bake.hcl', 'target "app" {\n  inherits = ["docker-metadata-action"]\n}\n')).toEqual([[1, 'docker buildx bake', []]]);
    expect(found('docker-bake.hcl', 'target app {\n  dockerfile = lower("D")\n}\n')).toEqual([[1, 'docker buildx bake', []]]);
    expect(found('docker-bake.hcl', 'target "app" {\n  context = \n')).toEqual([[1, 'docker buildx bake', []]]);
    const json = '{\n  "group": { "default": { "targets": ["app"] } },\n  "target": {\n    "app": { "context": "web", "dockerfile": "Dockerfile.prod" }\n  }\n}\n';
    expect(found('docker-bake.json', json)).toEqual([[4, 'docker buildx bake', ['web/Dockerfile.prod']]]);
    // Another bake file beside it may set what a target leaves to its defaults.
    expect(toolBuilds('docker-bake.hcl', 'target "app" {\n  context = "web"\n}\n', ['docker-bake.hcl', 'docker-bake.override.hcl']).map((b) => b.dockerfiles ?? b.names)).toEqual([[]]);
    expect(toolBuilds('docker-bake.hcl', 'target "app" {\n  dockerfile = "Dockerfile.prod"\n}\n', ['docker-bake.hcl', 'compose.yaml']).map((b) => b.dockerfiles ?? b.names)).toEqual([['Dockerfile.prod']]);
  });

  it('refuses a setup whose runtime Dockerfile such a tool builds, naming the file and line', () => {
    const files = {
      'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
      Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
      'main.go': 'package main\n',
      'build.sh': '#!/bin/sh\nset -e\ndocker build -t app:build -f Dockerfile.build .\ndocker create --name x app:build\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build -t app:latest .\n',
    };
    const rebuilt = (extra: Record<string, string>) => planFiles({ ...files, ...extra }).setups[0]!.diagnostics.filter((d) => d.code === 'RUNTIME_REBUILT').map((d) => [d.file, d.line]);
    expect(rebuilt({ 'skaffold.yaml': 'build:\n  artifacts:\n    - image: app\n' })).toEqual([['skaffold.yaml', 3]]);
    expect(rebuilt({ 'skaffold.yaml': 'build:\n  artifacts:\n    - image: svc\n      context: svc\n' })).toEqual([]);
    expect(rebuilt({ '.devcontainer/devcontainer.json': '{ "build": { "dockerfile": "../Dockerfile" } }\n' })).toEqual([['.devcontainer/devcontainer.json', 1]]);
    expect(rebuilt({ 'heroku.yml': 'build:\n  docker:\n    web: Dockerfile\n' })).toEqual([['heroku.yml', 3]]);
    expect(rebuilt({ 'fly.toml': 'app = "app"\nprimary_region = "ams"\n' })).toEqual([['fly.toml', 1]]);
    expect(rebuilt({ Tiltfile: "docker_build('app', '.')\n" })).toEqual([['Tiltfile', 1]]);
    expect(rebuilt({ '.goreleaser.yaml': 'version: 2\ndockers:\n  - image_templates: ["ghcr.io/acme/app:{{ .Version }}"]\n    dockerfile: Dockerfile\n' })).toEqual([['.goreleaser.yaml', 4]]);
    expect(rebuilt({ '.config/goreleaser.yml': 'dockers_v2:\n  - images: [ghcr.io/acme/app]\n' })).toEqual([['.config/goreleaser.yml', 2]]);
    expect(rebuilt({ '.goreleaser.yaml': 'dockers:\n  - dockerfile: "{{ .Env.DOCKERFILE }}"\n' })).toEqual([['.goreleaser.yaml', 2]]);
    expect(rebuilt({ 'docker-bake.hcl': 'target "app" {}\n' })).toEqual([['docker-bake.hcl', 1]]);
    // Read exactly: a target or a call of another Dockerfile is no build of it; JSON bake and Cloud Build files are read too.
    expect(rebuilt({ 'docker-bake.hcl': 'target "app" {\n  dockerfile = "Dockerfile.ci"\n}\n', 'Dockerfile.ci': 'FROM alpine\n' })).toEqual([]);
    expect(rebuilt({ Tiltfile: "docker_build('app', '.', dockerfile='Dockerfile.dev')\n", 'Dockerfile.dev': 'FROM alpine\n' })).toEqual([]);
    expect(rebuilt({ '.goreleaser.yaml': 'dockers:\n  - dockerfile: Dockerfile.release\n', 'Dockerfile.release': 'FROM alpine\nCOPY app /app\n' })).toEqual([]);
    expect(rebuilt({ 'docker-bake.json': '{\n  "target": {\n    "app": { "context": "." }\n  }\n}\n' })).toEqual([['docker-bake.json', 3]]);
    expect(rebuilt({ 'cloudbuild.json': '{\n  "steps": [{\n    "name": "gcr.io/cloud-builders/docker",\n    "args": [\n      "build",\n      "."\n    ]\n  }]\n}\n' })).toEqual([['cloudbuild.json', 2]]);
  });
});
