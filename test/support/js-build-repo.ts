/**
 * A repository whose setup a JavaScript build script drives (`npm run image` runs
 * scripts/image.mjs): the lantern builder and runtime Dockerfiles, and the script made of
 * `head` (its imports) and `lines`.
 */
export const JS_BUILDER_STEPS = ["execSync('docker build -t lantern:build -f Dockerfile.build .');", "execSync('docker create --name lantern-out lantern:build');", "execSync('docker cp lantern-out:/out/lantern ./lantern');", "execSync('docker rm lantern-out');"];
export const JS_FINAL_BUILD = "execSync('docker build -t lantern:latest .', { stdio: 'inherit' });";

export function jsBuildRepo(head: string, lines: readonly string[]): Record<string, string> {
  return {
    'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/lantern .\n',
    Dockerfile: 'FROM alpine:3.19\nCOPY lantern /usr/local/bin/lantern\n',
    'main.go': 'package main\n',
    'package.json': '{ "name": "lantern", "type": "module", "scripts": { "image": "node scripts/image.mjs" } }\n',
    'scripts/image.mjs': `${head}${lines.join('\n')}\n`,
  };
}
