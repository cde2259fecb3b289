/**
 * The second setup of a two-setup script (./grammar.ts twoSetups): the `worker` program, built
 * through a builder image and a container copy, or by a stock toolchain image given the whole
 * repository, then its runtime image; from the repository's root (`Dockerfile.worker.build`,
 * `Dockerfile.worker`, `./worker`) or from `worker/` (its own context). Its artifact is removed
 * after its runtime build, so the old run leaves nothing of it behind.
 */
import type { RepoSpec } from './grammar.js';
import type { RepoFile } from './render.js';

export interface SecondSetup {
  files: RepoFile[];
  /** Its commands, in order, as shell lines (`dollar`: how a `$` is written). */
  lines: string[];
  finalTag: string;
}

const MAIN = '// Command worker runs the queue for the builder-pattern fuzzer.\npackage main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("worker: ok")\n}\n';

export function secondSetup(s: RepoSpec, dollar: string): SecondSetup | null {
  if (s.twoSetups === 'none') return null;
  const own = s.twoSetups === 'other-folder';
  const dir = own ? 'worker/' : '';
  const builderFile = own ? 'worker/Dockerfile.build' : 'Dockerfile.worker.build';
  const runtimeFile = own ? 'worker/Dockerfile' : 'Dockerfile.worker';
  const context = own ? 'worker' : '.';
  const artifact = `${dir}worker`;
  const files: RepoFile[] = [{ path: runtimeFile, content: 'FROM alpine:3.19\nCOPY worker /usr/local/bin/worker\nCMD ["/usr/local/bin/worker"]\n', mode: 0o644 }];
  if (own) files.push({ path: 'worker/main.go', content: MAIN, mode: 0o644 });
  const lines: string[] = [];
  if (s.secondBuild === 'stock') {
    lines.push(`docker run --rm -v "${dollar}PWD":/src -w /src -e CGO_ENABLED=0 golang:1.21 go build -o ${artifact} ${own ? './worker' : '.'}`);
  } else {
    files.push({ path: builderFile, content: 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN CGO_ENABLED=0 go build -o /out/worker .\n', mode: 0o644 });
    lines.push(`docker build -t worker:build -f ${builderFile} ${context}`, 'docker create --name worker-x worker:build', `docker cp worker-x:/out/worker ./${artifact}`, 'docker rm worker-x');
  }
  lines.push(`docker build -t worker:latest ${own ? '' : `-f ${runtimeFile} `}${context}`, `rm -f ${artifact}`);
  return { files, lines, finalTag: 'worker:latest' };
}
