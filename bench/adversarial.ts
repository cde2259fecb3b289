/**
 * Adversarial repositories for the bench's growth measure (bench/growth.ts) and the unit test
 * that they are read whole (test/unit/adversarial-files.test.ts): every file kind the walker reads, each filled
 * to a given size with what makes a careless regular expression or scanner quadratic (long runs
 * of word characters, very long lines, many quotes and backslashes), around a real setup so
 * every analyser reads them.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Text of exactly `bytes` bytes (ASCII): `head`, then `fill(n)` sized to fit, then `tail`. */
function sized(bytes: number, head: string, fill: (n: number) => string, tail: string): string {
  const n = bytes - head.length - tail.length;
  const body = fill(n).slice(0, n);
  return head + body.padEnd(n, ' ') + tail;
}

/** Runs of one kind each: a word run, quote soup, backslash runs, a long line of short tokens. */
function mixed(n: number, quoteLine: (s: string) => string, comment: string): string {
  const q = Math.floor(n / 4);
  const parts = [
    `${comment} ${'a'.repeat(q - comment.length - 2)}\n`, // one long word run (an inline source map is this)
    quoteLine(`"'`.repeat(Math.floor(q / 4)) + '\\'.repeat(Math.floor(q / 4))),
    `${comment} ${'x.y/z-'.repeat(Math.floor(q / 6))}\n`, // a long path-like run without an extension
    `${comment} ${'"a\\" \'b\\\' '.repeat(Math.floor(q / 12))}\n`,
  ];
  return parts.join('');
}

export function adversarialRepo(dir: string, bytes: number): void {
  const put = (rel: string, text: string, mode = 0o644) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text, { mode });
  };
  put('Dockerfile.build', 'FROM golang:1.7.3\nWORKDIR /src\nCOPY . .\nRUN go build -o app .\n');
  put('Dockerfile', 'FROM alpine:latest\nCOPY app /app\nCMD ["/app"]\n');
  const setup = 'docker build -t app:build -f Dockerfile.build .\ndocker create --name extract app:build\ndocker cp extract:/src/app ./app\ndocker rm -f extract\ndocker build -t app:latest .\n';
  put('build.sh', sized(bytes, `#!/bin/sh\nset -e\n${setup}`, (n) => mixed(n, (s) => `# ${s}\n`, '#'), '\necho done\n'), 0o755);
  put('tools/release', sized(bytes, '#!/bin/bash\necho docker\n', (n) => mixed(n, (s) => `: ${JSON.stringify(s)}\n`, '#'), '\n'), 0o755);
  put('Makefile', sized(bytes, 'image:\n\tdocker build -t mk:latest .\n', (n) => mixed(n, (s) => `# ${s}\n`, '#'), '\n'));
  put('ci/rules.mk', sized(bytes, 'X := docker\n', (n) => mixed(n, (s) => `Y := ${s}\n`, '#'), '\n'));
  // A script of shell words: a long word run, then a double-quoted string of escaped quotes and backslashes (valid shell, JSON-escaped).
  const npmScript = (n: number) => JSON.stringify(`echo ${'a'.repeat(Math.floor(n / 3))} "${'\\\\\\"'.repeat(Math.floor(n / 16))}"`).slice(1, -1);
  put('package.json', sized(bytes, '{\n  "scripts": {\n    "image": "docker build -t pkg:latest .",\n    "blob": "', npmScript, '"\n  }\n}\n'));
  put('.github/workflows/ci.yml', sized(bytes, 'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker build -t gh:latest .\n', (n) => mixed(n, (s) => `      - run: echo ${JSON.stringify(s)}\n`, '#'), '\n'));
  put('.gitlab-ci.yml', sized(bytes, 'build:\n  script:\n    - docker build -t gl:latest .\n', (n) => mixed(n, (s) => `# ${s}\n`, '#'), '\n'));
  put('dist/index.js', sized(bytes, 'require("child_process").execSync("docker build -t js:latest .");\n', (n) => mixed(n, (s) => `const s = ${JSON.stringify(s)};\n`, '//'), '\n//# sourceMappingURL=data:application/json;base64,eyJ2ZXJzaW9uIjozfQ==\n'));
  put('scripts/build.ts', sized(bytes, 'import { execSync } from "node:child_process";\nexecSync(`docker build -t ts:latest .`);\n', (n) => mixed(n, (s) => `export const t = ${JSON.stringify(s)};\n`, '//'), '\n'));
  put('Jenkinsfile', sized(bytes, "pipeline {\n  agent any\n  stages {\n    stage('b') {\n      steps {\n        sh 'docker build -t jf:latest .'\n        script {\n          def img = docker.build('jf:2')\n        }\n", (n) => mixed(n, (s) => `        sh '${`echo ${JSON.stringify(s)}`.replace(/[\\']/g, (c) => `\\${c}`)}'\n`, '//'), '\n      }\n    }\n  }\n}\n'));
  // Also a pattern of many stars, which a glob compiled to a backtracking regular expression cannot match in time.
  put('.gitignore', sized(bytes, 'node_modules\n', (n) => `${'*a'.repeat(Math.floor(n / 8))}b\n${mixed(Math.floor((n * 3) / 4), (s) => `${s.replace(/\n/g, '')}\n`, 'z')}`, '\n'));
}
