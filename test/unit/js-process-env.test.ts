/** JavaScript build scripts share one process environment across their calls (src/analyze/hosts/js-process-env.ts). */
import { describe, expect, it } from 'vitest';
import { parseJavaScript } from '../../src/analyze/hosts/javascript.js';
import type { Word } from '../../src/model/script.js';
import { planFiles } from '../support/plan.js';

const read = (text: string) => parseJavaScript('build.mjs', text, '').script!;
/** The word after `-t` of the first command, and the last word of the second: the builder tag where it is built and used. */
function tagWords(text: string): [Word, Word] {
  // Docker's calls: any other call stands in the sequence as a program of its own (`js:other`).
  const [build, create] = read(text).commands.filter((c) => c.words[0]?.value === 'docker');
  return [build!.words[build!.words.findIndex((w) => w.value === '-t') + 1]!, create!.words[create!.words.length - 1]!];
}
const HEAD = "import { execSync, spawnSync } from 'node:child_process';\n";
const BUILD_CREATE = "execSync(`docker build -t ${tag} -f Dockerfile.build .`);\nexecSync(`docker create --name out ${tag}`);\n";

describe('a const read from the process environment', () => {
  it('reads `?? v` as ${X-v}: a run-time value falling back to v, the same in every call', () => {
    const [built, used] = tagWords(`${HEAD}const tag = process.env.TAG ?? 'app-build';\n${BUILD_CREATE}`);
    expect(built.value).toBeNull();
    expect(built.fallback).toBe('app-build');
    expect(built.raw).toBe('${TAG-app-build}');
    expect(typeof built.same).toBe('string');
    expect(used.same).toBe(built.same);
  });

  it('reads `|| v` as ${X:-v}', () => {
    const [built, used] = tagWords(`${HEAD}const tag = process.env.TAG || 'app-build';\n${BUILD_CREATE}`);
    expect(built.raw).toBe('${TAG:-app-build}');
    expect(built.fallback).toBe('app-build');
    expect(used.same).toBe(built.same);
  });

  it('is one value in spawnSync argv elements and in shell text alike', () => {
    const text = `${HEAD}const tag = process.env.TAG ?? 'app-build';\nexecSync(\`docker build -t \${tag} -f Dockerfile.build .\`);\nspawnSync('docker', ['create', '--name', 'out', tag]);\n`;
    const [built, used] = tagWords(text);
    expect(used.raw).toBe('"${TAG-app-build}"');
    expect(used.fallback).toBe('app-build');
    expect(used.same).toBe(built.same);
  });

  it('keeps calls with an env: of the process environment plus literals on the same value', () => {
    const text = `${HEAD}const tag = process.env.TAG ?? 'app-build';\nexecSync(\`docker build -t \${tag} -f Dockerfile.build .\`, { env: { ...process.env, DOCKER_BUILDKIT: '1' } });\nexecSync(\`docker create --name out \${tag}\`, { env: process.env });\n`;
    const [built, used] = tagWords(text);
    expect(built.fallback).toBe('app-build');
    expect(used.same).toBe(built.same);
  });

  for (const [what, text] of [
    ['declared in a function', `${HEAD}function main() {\n  const tag = process.env.TAG ?? 'app-build';\n  ${BUILD_CREATE}}\nmain();\n`],
    ['declared with let', `${HEAD}let tag = process.env.TAG ?? 'app-build';\n${BUILD_CREATE}`],
    ['read by a computed name', `${HEAD}const name = 'TAG';\nconst tag = process.env[name] ?? 'app-build';\n${BUILD_CREATE}`],
    ['with no fallback', `${HEAD}const tag = process.env.TAG;\n${BUILD_CREATE}`],
    ['with a fallback that is not a literal', `${HEAD}const tag = process.env.TAG ?? other();\n${BUILD_CREATE}`],
    ['whose variable the script also sets', `${HEAD}const tag = process.env.TAG ?? 'app-build';\nprocess.env.TAG = 'other';\n${BUILD_CREATE}`],
    ['in a script that writes process.env in a function', `${HEAD}const tag = process.env.TAG ?? 'app-build';\nfunction f() { process.env.X = 'y'; }\n${BUILD_CREATE}`],
    ['in a script that hands process.env to a function', `${HEAD}const tag = process.env.TAG ?? 'app-build';\nObject.assign(process.env, loaded);\n${BUILD_CREATE}`],
    ['in a script that imports env from node:process', `${HEAD}import { env } from 'node:process';\nconst tag = process.env.TAG ?? 'app-build';\n${BUILD_CREATE}`],
  ] as const) {
    it(`is an unknown, never the same twice, when ${what}`, () => {
      const [built, used] = tagWords(text);
      expect(built.value).toBeNull();
      expect(built.fallback).not.toBe('app-build');
      expect(built.raw).toMatch(/^\$\{__js_expression_\d+\}$/);
      expect(used.same === built.same && built.same !== null && built.same !== undefined).toBe(false);
    });
  }

  for (const [what, env] of [
    ['an env: built from an expression', 'env: makeEnv()'],
    ['an env: without the process environment', "env: { TAG: 'x' }"],
    ['an env: that sets the variable the const read', "env: { ...process.env, TAG: 'x' }"],
  ] as const) {
    it(`is not read as the environment's in a call given ${what}`, () => {
      const text = `${HEAD}const tag = process.env.TAG ?? 'app-build';\nexecSync(\`docker build -t \${tag} -f Dockerfile.build .\`);\nexecSync(\`docker create --name out \${tag}\`, { ${env} });\n`;
      const [built, used] = tagWords(text);
      expect(built.fallback).toBe('app-build');
      expect(used.raw).toMatch(/^\$\{__js_expression_\d+\}$/);
      expect(used.same === built.same).toBe(false);
    });
  }
});

describe('variables the shell text reads from the process environment', () => {
  const words = (text: string) => read(text).commands.map((c) => c.words.at(-1)!);

  it('are the same inherited value in every call', () => {
    const [a, b] = words(`${HEAD}execSync('docker create "$TAG"');\nexecSync('docker create "$TAG"');\n`);
    expect(a!.value).toBeNull();
    expect(typeof a!.same).toBe('string');
    expect(b!.same).toBe(a!.same);
  });

  it('take a literal process.env assignment in the calls after it', () => {
    const [before, after] = words(`${HEAD}execSync('docker create "$TAG"');\nprocess.env.TAG = 'app-build';\nexecSync('docker create "$TAG"');\n`);
    expect(before!.value).toBeNull();
    expect(after!.value).toBe('app-build');
  });

  it('take a call\'s own env: literals in that call only', () => {
    const [own, next] = words(`${HEAD}execSync('docker create "$TAG"', { env: { ...process.env, TAG: 'app-build' } });\nexecSync('docker create "$TAG"');\n`);
    expect(own!.value).toBe('app-build');
    expect(next!.value).toBeNull();
  });

  it('are unknown and different in each call after a write the reader does not follow', () => {
    const [a, b] = words(`${HEAD}process.env[name] = 'x';\nexecSync('docker create "$TAG"');\nexecSync('docker create "$TAG"');\n`);
    expect(a!.fallback ?? null).toBeNull();
    expect(b!.same === a!.same).toBe(false);
  });

  it('are unknown in a call made in a function once the script sets process.env', () => {
    const [a, b] = words(`${HEAD}process.env.X = 'y';\nexecSync('docker create "$TAG"');\nfunction later() { execSync('docker create "$TAG"'); }\nlater();\n`);
    expect(b!.same === a!.same).toBe(false);
  });
});

describe('argv elements', () => {
  it('read a template of an environment const and literal text as one word', () => {
    const text = `${HEAD}const box = process.env.BOX ?? 'app-out';\nspawnSync('docker', ['create', '--name', box, 'app:build']);\nspawnSync('docker', ['cp', \`\${box}:/out\`, '.']);\n`;
    const [create, cp] = read(text).commands;
    const src = cp!.words[2]!;
    expect(src.fallback).toBe('app-out:/out');
    expect(create!.words[3]!.fallback).toBe('app-out');
  });
});

describe('a call whose own shell text changes the variable', () => {
  it('reads the const as an unknown there, and as the environment\'s in the other calls', () => {
    const text = `${HEAD}const tag = process.env.TAG ?? 'app-build';\nexecSync(\`docker build -t \${tag} -f Dockerfile.build .\`);\nexecSync(\`TAG=other; docker create --name out \${tag}\`);\nexecSync(\`docker create --name again \${tag}\`);\n`;
    const [build, create, again] = read(text).commands.filter((c) => c.words[0]!.value === 'docker');
    const last = (c: typeof build) => c!.words.at(-1)!;
    expect(last(create).raw).toMatch(/^\$\{__js_expression_\d+\}$/);
    expect(last(create).value).not.toBe('other');
    expect(last(again).same).toBe(build!.words[3]!.same);
    expect(build!.words[3]!.fallback).toBe('app-build');
  });
});

describe('a const inside a command substitution', () => {
  it('is read as the environment\'s in the inner command', () => {
    const text = `${HEAD}const tag = process.env.TAG ?? 'app-build';\nexecSync(\`docker build -t \${tag} -f Dockerfile.build .\`);\nexecSync(\`docker cp $(docker create \${tag}):/out/app ./app\`);\n`;
    const cmds = read(text).commands.filter((c) => c.words[0]!.value === 'docker');
    const create = cmds.find((c) => c.words[1]!.value === 'create')!;
    expect(create.words[2]!.raw).toBe('${TAG-app-build}');
    expect(create.words[2]!.same).toBe(cmds[0]!.words[3]!.same);
  });
});

describe('a template literal\'s ${…} and the shell\'s own ${…}', () => {
  const words = (text: string) => read(`${HEAD}${text}\n`).commands.map((c) => c.words.at(-1)!);

  it('reads an escaped \\${X:-v} as the shell\'s expansion, and a JS ${x} of the const as the same value', () => {
    const [shell, js] = words("const tag = process.env.TAG || 'app';\nexecSync(`docker build -t \\${TAG:-app}`);\nexecSync(`docker create ${tag}`);");
    expect(shell!.raw).toBe('${TAG:-app}');
    expect(shell!.value).toBeNull();
    expect(shell!.fallback).toBe('app');
    expect(js!.fallback).toBe('app');
    expect(js!.same).toBe(shell!.same);
  });

  it('reads a JS ${x} of a literal const as its text, which the shell then reads: in single quotes, and where the text holds a $', () => {
    const [quoted, dollar] = words("const tag = 'app-build';\nconst v = 'a$B';\nexecSync(`docker build -t '${tag}'`);\nexecSync(`docker create ${v}`);");
    expect(quoted!.value).toBe('app-build');
    expect(dollar!.value).toBeNull();
    expect(dollar!.raw).toBe('a$B');
  });

  it('reads a JS ${x} of the environment inside shell single quotes as the pasted value, not the literal ${X-v}', () => {
    const [built, used] = words("const tag = process.env.TAG ?? 'app-build';\nexecSync(`docker build -t 'acme/${tag}'`);\nexecSync(`docker create acme/${tag}`);");
    expect(built!.value).toBeNull();
    expect(built!.fallback).toBe('acme/app-build');
    expect(typeof built!.same).toBe('string');
    expect(built!.same).toBe(used!.same);
  });

  for (const [what, call] of [
    ['inside shell single quotes', "execSync(`docker build -t 'x${f()}'`);"],
    ['after a backslash', 'execSync(`docker build -t \\\\${tag}`);'],
    ['after a $', 'execSync(`docker build -t $${tag}`);'],
    ["inside $'…'", "execSync(`docker build -t $'${tag}'`);"],
    ['inside single quotes of a zx command', "await $`docker build -t '${tag}'`;"],
  ] as const) {
    it(`reads a JS \${…} ${what} as an unknown with no fallback, never a literal`, () => {
      const [w] = words(`const tag = process.env.TAG ?? 'app-build';\n${call}`);
      expect(w!.value).toBeNull();
      expect(w!.fallback ?? null).toBeNull();
    });
  }
});

describe('a name bound more than once in the file', () => {
  const words = (text: string) => read(`${HEAD}${text}\n`).commands.map((c) => c.words.at(-2)!);
  for (const [what, text] of [
    ['a const of the same name in a function', "const df = 'Dockerfile.build';\nfunction lint() { const df = 'Dockerfile.lint'; execSync(`docker build -f ${df} .`); }\nexecSync(`docker build -f ${df} .`);"],
    ['a parameter of the same name', "const df = 'Dockerfile.build';\nfunction lint(df) { execSync(`docker build -f ${df} .`); }\nexecSync(`docker build -f ${df} .`);"],
    ['an environment const and a parameter of the same name', "const df = process.env.DF ?? 'Dockerfile.build';\nconst lint = (df) => execSync(`docker build -f ${df} .`);\nexecSync(`docker build -f ${df} .`);"],
  ] as const) {
    it(`is an unknown wherever it is read, never the other binding's value: ${what}`, () => {
      const [a, b] = words(text);
      for (const w of [a!, b!]) {
        expect(w.value).toBeNull();
        expect(w.fallback ?? null).toBeNull();
      }
    });
  }

  it('leaves a name bound once known', () => {
    const [w] = words("const df = 'Dockerfile.build';\nfunction lint(other) { return other; }\nexecSync(`docker build -f ${df} .`);");
    expect(w!.value).toBe('Dockerfile.build');
  });
});

describe('a write of a build variable the reader does not follow', () => {
  const BODY = "execSync('docker build -t app:build -f Dockerfile.build .');\nexecSync('docker build -t app .');\n";
  const unread = (text: string) => (read(text).unread ?? []).map((u) => [u.diagnostic.code, u.diagnostic.line]);
  it('refuses every setup of the script: the builds may run with values of DOCKER_* variables it cannot see', () => {
    expect(unread(`${HEAD}${BODY}Object.assign(process.env, { DOCKER_DEFAULT_PLATFORM: 'linux/arm64' });\n`)).toEqual([['UNSUPPORTED_BUILD_FLAG', 4]]);
    expect(unread(`${HEAD}function arm() { process.env.DOCKER_DEFAULT_PLATFORM = 'linux/arm64'; }\narm();\n${BODY}`)).toEqual([['UNSUPPORTED_BUILD_FLAG', 2]]);
    expect(unread(`${HEAD}const k = 'DOCKER_BUILDKIT';\nprocess.env[k] = '0';\n${BODY}`)).toEqual([['UNSUPPORTED_BUILD_FLAG', 3]]);
    expect(unread(`${HEAD}import process from 'node:process';\nObject.assign(process.env, { DOCKER_BUILDKIT: '0' });\n${BODY}`)).toEqual([['UNSUPPORTED_BUILD_FLAG', 3]]);
    expect(unread(`${HEAD}import { env } from 'node:process';\nenv.DOCKER_BUILDKIT = '0';\n${BODY}`)).toEqual([['UNSUPPORTED_BUILD_FLAG', 3]]);
    expect(unread(`import { $ } from 'zx';\n$.env.DOCKER_BUILDKIT = '0';\nawait $\`docker build -t app .\`;\n`)).toEqual([['UNSUPPORTED_BUILD_FLAG', 2]]);
  });

  it('leaves alone writes it follows, or of variables docker does not read for a build, and reads', () => {
    expect(unread(`${HEAD}process.env.DOCKER_BUILDKIT = '1';\n${BODY}`)).toEqual([]);
    expect(unread(`${HEAD}function go() { process.env.GOFLAGS = '-mod=vendor'; }\ngo();\n${BODY}`)).toEqual([]);
    expect(unread(`${HEAD}import process from 'node:process';\nconsole.log(process.env.HOME);\n${BODY}`)).toEqual([]);
    expect(unread(`${HEAD}import { env } from 'node:process';\nconsole.log(env.HOME);\n${BODY}`)).toEqual([]);
  });
});

describe('a final build whose call replaces the environment', () => {
  const IO = "stdio: 'inherit'";
  const repo = (builder: string, finalOptions: string) =>
    planFiles({
      'Dockerfile.build': 'FROM golang:1.21\nARG V=none\nRUN mkdir -p /out && echo "$V" > /out/app\n',
      Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
      'package.json': '{ "scripts": { "image": "node build.mjs" } }\n',
      'build.mjs': `${HEAD}execSync('${builder}', { ${IO} });\nexecSync('docker create --name x app:build', { ${IO} });\nexecSync('docker cp x:/out/app ./app', { ${IO} });\nexecSync('docker rm x', { ${IO} });\nexecSync('docker build -t app:latest .', { ${finalOptions} });\n`,
    }).setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);

  it('refuses a carried flag reading a variable from the environment: the final call may not have it', () => {
    // (and the final call's environment apart: a second FLAG_CONFLICT)
    expect(repo('docker build --build-arg V -t app:build -f Dockerfile.build .', `${IO}, env: { PATH: process.env.PATH }`)).toEqual([['refused', 'FLAG_CONFLICT', 'FLAG_CONFLICT']]);
    expect(repo('docker build --build-arg V=$V -t app:build -f Dockerfile.build .', `${IO}, env: { PATH: process.env.PATH }`)).toEqual([['refused', 'FLAG_CONFLICT', 'FLAG_CONFLICT']]);
  });

  it('migrates it where the call passes the environment on', () => {
    expect(repo('docker build --build-arg V -t app:build -f Dockerfile.build .', `${IO}, env: { ...process.env, LANG: 'C' }`)).toEqual([['migrate']]);
    expect(repo('docker build --build-arg V=1.2 -t app:build -f Dockerfile.build .', `${IO}, env: process.env`)).toEqual([['migrate']]);
  });

  it('refuses it where the flag reads none too: the docker client variables the builder call inherited (DOCKER_HOST…) may not be there', () => {
    const plan = repo('docker build --build-arg V=1.2 -t app:build -f Dockerfile.build .', `${IO}, env: { PATH: process.env.PATH }`);
    expect(plan).toEqual([['refused', 'FLAG_CONFLICT']]);
    const files = (builder: string, final: string, create = IO) => ({
      'Dockerfile.build': 'FROM golang:1.21\nRUN mkdir -p /out && echo a > /out/app\n',
      Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
      'package.json': '{ "scripts": { "image": "node build.mjs" } }\n',
      'build.mjs': `${HEAD}execSync('docker build -t app:build -f Dockerfile.build .', { ${builder} });\nexecSync('docker create --name x app:build', { ${create} });\nexecSync('docker cp x:/out/app ./app', { ${IO} });\nexecSync('docker rm x', { ${IO} });\nexecSync('docker build -t app:latest .', { ${final} });\n`,
    });
    const errors = (f: Record<string, string>) => planFiles(f).setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error'));
    const [final] = errors(files(IO, `${IO}, env: { PATH: process.env.PATH }`));
    expect(final!.code).toBe('FLAG_CONFLICT');
    expect(final!.message).toMatch(/^the final build `docker build -t app:latest \.` runs with an `env:` option that does not pass `process.env` on, the builder build .* with the script's environment .*DOCKER_HOST/);
    // The other way round, and an extraction step started afresh (it may read another engine's image).
    expect(errors(files(`${IO}, env: { PATH: process.env.PATH }`, IO)).map((d) => d.code)).toEqual(['FLAG_CONFLICT']);
    expect(errors(files(IO, IO, `${IO}, env: { PATH: process.env.PATH }`)).map((d) => [d.code, d.line])).toEqual([['FLAG_CONFLICT', 3]]);
  });
});

describe("a builder flag written for the builder call's bash, carried into a call run by /bin/sh", () => {
  const IO = "stdio: 'inherit'";
  const repo = (builderOptions: string, finalOptions: string) =>
    planFiles({
      'Dockerfile.build': 'FROM golang:1.21\nARG COMMIT=none\nRUN mkdir -p /out && echo "$COMMIT" > /out/app\n',
      Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
      'package.json': '{ "scripts": { "image": "node build.mjs" } }\n',
      'build.mjs': `${HEAD}execSync('docker build --build-arg COMMIT=\${GIT_COMMIT:0:7} -t app:build -f Dockerfile.build .', { ${builderOptions} });\nexecSync('docker create --name x app:build', { ${IO} });\nexecSync('docker cp x:/out/app ./app', { ${IO} });\nexecSync('docker rm x', { ${IO} });\nexecSync('docker build -t app:latest .', { ${finalOptions} });\n`,
    }).setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);

  it('refuses it, and carries it where both calls name the same shell', () => {
    expect(repo(`${IO}, shell: '/bin/bash'`, IO)).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    expect(repo(`${IO}, shell: '/bin/bash'`, `${IO}, shell: '/bin/bash'`)).toEqual([['migrate']]);
  });
});
