import { describe, expect, it } from 'vitest';
import { parseShell } from '../../src/analyze/shell.js';
import type { Word } from '../../src/model/script.js';

/** The words of the `docker` commands of a script, in order (the program and verb left out). */
function dockerWords(text: string): Word[][] {
  const r = parseShell('build.sh', text);
  if (!r.script) throw new Error(JSON.stringify(r.diagnostics));
  return r.script.commands.filter((c) => c.words[0]!.value === 'docker').map((c) => c.words.slice(2));
}

/** Whether the last word of the first and of the last docker command surely expand to the same text. */
function same(text: string): boolean {
  const cmds = dockerWords(text);
  const a = cmds[0]!.at(-1)!;
  const b = cmds.at(-1)!.at(-1)!;
  expect(a.value).toBeNull();
  return typeof a.same === 'string' && a.same === b.same;
}

describe('shell words: the same expansion at the same assignment', () => {
  it('gives a variable read twice with no assignment between the same key, quoted or not', () => {
    expect(same('TAG=${TAG:-app-build}\ndocker build -t "$TAG"\necho hi\ndocker create $TAG\n')).toBe(true);
    expect(same('docker build -t "${IMAGE:-app}:build"\ndocker create "${IMAGE:-app}:build"\n')).toBe(true);
    expect(same('docker build -t "${TAG}"\ndocker create "$TAG"\n')).toBe(true);
  });

  it('tells apart other variables, other defaults, other text around them', () => {
    expect(same('docker build -t "$A"\ndocker create "$B"\n')).toBe(false);
    expect(same('docker build -t "${IMAGE:-app}:build"\ndocker create "${IMAGE:-other}:build"\n')).toBe(false);
    expect(same('docker build -t "${IMAGE:-app}:build"\ndocker create "${IMAGE:-app}:test"\n')).toBe(false);
    expect(same('docker build -t "${IMAGE:-app}:build"\ndocker create "${IMAGE-app}:build"\n')).toBe(false);
  });

  it('gives a new version at every assignment the walk follows, in a branch too', () => {
    expect(same('docker build -t "$TAG"\nTAG=$OTHER\ndocker create "$TAG"\n')).toBe(false);
    expect(same('docker build -t "$TAG"\nif [ -n "$X" ]; then TAG=x; fi\ndocker create "$TAG"\n')).toBe(false);
    expect(same('docker build -t "$TAG"\nexport TAG\ndocker create "$TAG"\n')).toBe(false);
    expect(same('docker build -t "$TAG"\nunset TAG\ndocker create "$TAG"\n')).toBe(false);
    expect(same('docker build -t "$TAG"\n: "${TAG:=app}"\ndocker create "$TAG"\n')).toBe(false);
    // A subshell's assignment stays there.
    expect(same('docker build -t "$TAG"\n(TAG=x; echo "$TAG")\ndocker create "$TAG"\n')).toBe(true);
  });

  it('gives every variable a new version after a step that may assign what the walk does not follow', () => {
    for (const step of ['read TAG', 'eval "$SETUP"', '. ./env.sh', 'source ./env.sh', 'printf -v TAG %s x', 'getopts t: TAG', 'mapfile TAG < f', 'let n=1', '(( n++ ))', 'x=$((n = 2))', 'declare -n REF=TAG', 'command read TAG', '$RUN', "trap 'TAG=x' DEBUG"]) {
      expect(same(`docker build -t "$TAG"\n${step}\ndocker create "$TAG"\n`), step).toBe(false);
    }
    // A call of a function of the script may assign anything.
    expect(same('setup() { TAG=x; }\ndocker build -t "$TAG"\nsetup\ndocker create "$TAG"\n')).toBe(false);
    // Ordinary programs and EXIT traps do not.
    expect(same('docker build -t "$TAG"\nmkdir -p out\ncommand -v docker\nprintf "%s\\n" x\ntrap \'rm -f x\' EXIT\ndocker create "$TAG"\n')).toBe(true);
  });

  it('has no key for a word that may expand differently each time', () => {
    for (const w of ['"$(date +%s)"', '"$RANDOM"', '"$1"', '"${TAG/a/b}"', '"${TAG:-$(date)}"', '"$PWD/x"']) {
      const word = dockerWords(`docker create ${w}\n`)[0]![0];
      expect(word!.value, w).toBeNull();
      expect(word!.same, w).toBeNull();
    }
  });

  it('keeps the value a tag falls back to when the environment sets nothing', () => {
    const [a, b, c, d] = dockerWords('TAG=${TAG:-app-build}\ndocker create "$TAG"\ndocker create "${IMAGE:-app}:build"\nX=$(git describe)\ndocker create "$X"\ndocker create "$UNSET"\n').map((ws) => ws[0]);
    expect(a!.fallback).toBe('app-build');
    expect(b!.fallback).toBe('app:build');
    expect(c!.fallback).toBeNull();
    expect(d!.fallback).toBe('');
  });

  it('gives ${TAG-default} the default when TAG is inherited and unset, and no fallback once TAG may be set empty', () => {
    const [a, b, c] = dockerWords('docker create "${TAG-app-build}"\nTAG=$OTHER\ndocker create "${TAG-app-build}"\ndocker create "${TAG:-app-build}"\n').map((ws) => ws[0]);
    expect(a!.fallback).toBe('app-build');
    expect(b!.fallback).toBeNull();
    expect(c!.fallback).toBe('app-build');
  });

  it('carries versions into the next snippet of one shell, and only there', () => {
    const first = parseShell('ci.yml', 'TAG=${TAG:-app}\ndocker build -t "$TAG"\n').script!;
    const next = parseShell('ci.yml', 'docker create "$TAG"\n', { ...first.final }).script!;
    const fresh = parseShell('ci.yml', 'docker create "$TAG"\n', { vars: first.final.vars, cwd: first.final.cwd }).script!;
    const tag = first.commands[0]!.words[3]!.same;
    expect(typeof tag).toBe('string');
    expect(next.commands[0]!.words[2]!.same).toBe(tag);
    expect(fresh.commands[0]!.words[2]!.same).not.toBe(tag);
  });
});
