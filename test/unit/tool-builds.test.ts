/**
 * Image builds by build tools whose settings name a Dockerfile without naming the engine
 * (src/plan/tool-builds.ts): which Dockerfile each builds, where that is said, and the refusal
 * of a setup whose runtime Dockerfile one may build.
 */
import { describe, expect, it } from 'vitest';
import { mayBuild } from '../../src/model/foreign-builds.js';
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

  it('searches a Tiltfile and a bake file without a parser, erring to refuse', () => {
    expect(found('Tiltfile', "# docker_build('old', '.')\ndocker_build('api', 'api', dockerfile='api/Dockerfile.dev')\n")).toEqual([[2, 'Tilt', ['Dockerfile.dev']]]);
    expect(found('Tiltfile', "docker_build('api', 'api', dockerfile='api/Dockerfile.dev')\ndocker_build('web', 'web')\n")).toEqual([[1, 'Tilt', ['Dockerfile', 'Dockerfile.dev']], [2, 'Tilt', ['Dockerfile', 'Dockerfile.dev']]]);
    expect(found('Tiltfile', "df = 'api/' + name\ndocker_build('api', 'api', dockerfile=df)\n")).toEqual([[2, 'Tilt', []]]);
    expect(found('docker-bake.hcl', 'target "test" {\n  dockerfile = "ci/Dockerfile.test"\n}\n')).toEqual([[1, 'docker buildx bake', ['Dockerfile.test']]]);
    expect(found('docker-bake.hcl', 'group "default" {\n  targets = ["app"]\n}\ntarget "app" {\n  context = "."\n}\n')).toEqual([[4, 'docker buildx bake', ['Dockerfile']]]);
    // Their paths are read from the file's folder: a build of a Dockerfile there or below, unless the file may leave it.
    const [tilt] = toolBuilds('svc/Tiltfile', "docker_build('api', 'api')\n");
    expect([mayBuild(tilt!, 'svc/api/Dockerfile'), mayBuild(tilt!, 'svc/Dockerfile'), mayBuild(tilt!, 'other/Dockerfile')]).toEqual([true, true, false]);
    const [up] = toolBuilds('svc/docker-bake.hcl', 'target "app" {\n  context = "../other"\n}\n');
    expect(mayBuild(up!, 'other/Dockerfile')).toBe(true);
    const [env] = toolBuilds('svc/docker-bake.hcl', 'target "app" {\n  context = "${CTX}"\n}\n');
    expect(mayBuild(env!, 'other/Dockerfile')).toBe(true);
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
    expect(rebuilt({ 'docker-bake.hcl': 'target "app" {}\n' })).toEqual([['docker-bake.hcl', 1]]);
  });
});
