/**
 * Repositories of a shape the bench's monorepo does not have: ONE file driving many setups (a
 * root build.sh, or a root Makefile with a target per service, building a hundred images). The
 * monorepo gives every setup a script of its own, so a search that visits every command of a
 * script once per setup of that script costs nothing there and setups × commands here
 * (docs/performance.md, "Shapes the bench's tree does not have"). The bench measures each shape
 * at two sizes in the same rounds and reports how the work grows: linear is ×4 for four times
 * the setups.
 *
 * Deterministic: the same options always write the same bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const SHAPES = ['shell', 'make'] as const;
export type Shape = (typeof SHAPES)[number];

/** Writes `setups` services under `root`/svc-NNN and the one root file that builds them all. */
export function generateShape(root: string, shape: Shape, setups: number): void {
  const lines: string[] = shape === 'shell' ? ['#!/bin/sh', 'set -e', ''] : ['.PHONY: all', ''];
  const targets: string[] = [];
  for (let i = 0; i < setups; i++) {
    const name = `svc-${String(i).padStart(3, '0')}`;
    const dir = path.join(root, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'Dockerfile.build'), `FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/${name} .\n`);
    fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM alpine:3.19\nCOPY ${name} /usr/local/bin/\nCMD ["${name}"]\n`);
    fs.writeFileSync(path.join(dir, 'main.go'), `package main\n\nfunc main() { println("${name}") }\n`);
    const steps = [
      `docker build -t shapes/${name}:build -f ${name}/Dockerfile.build ${name}`,
      `docker create --name ${name}-x shapes/${name}:build`,
      `docker cp ${name}-x:/out/${name} ${name}/${name}`,
      `docker rm ${name}-x`,
      `docker build -t shapes/${name}:latest ${name}`,
      `rm -f ${name}/${name}`,
    ];
    if (shape === 'shell') lines.push(`echo "building ${name}"`, ...steps, '');
    else {
      targets.push(name);
      lines.push(`${name}:`, ...steps.map((s) => `\t${s}`), '');
    }
  }
  if (shape === 'shell') fs.writeFileSync(path.join(root, 'build.sh'), lines.join('\n'), { mode: 0o755 });
  else {
    lines[0] = `.PHONY: all ${targets.join(' ')}`;
    lines.splice(1, 0, `all: ${targets.join(' ')}`);
    fs.writeFileSync(path.join(root, 'Makefile'), lines.join('\n'));
  }
}

// `tsx bench/shapes.ts DIR shell|make N` writes one by hand (to profile, or look at).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [dir, shape, n] = process.argv.slice(2);
  if (!dir || !SHAPES.includes(shape as Shape) || !(Number(n) > 0)) {
    process.stderr.write(`usage: tsx bench/shapes.ts DIR ${SHAPES.join('|')} SETUPS\n`);
    process.exit(2);
  }
  generateShape(dir, shape as Shape, Number(n));
}
