/** `npm run X` runs X in its place, only when npm runs it as written (src/analyze/hosts/package-json.ts). */
import { describe, expect, it } from 'vitest';
import { parsePackageJson } from '../../src/analyze/hosts/package-json.js';
import { planFiles } from '../support/plan.js';

/** The commands the script `name` runs, each as its words. */
function sequence(scripts: Record<string, string>, name: string): string[] {
  const script = parsePackageJson('package.json', JSON.stringify({ name: 'app', scripts }, null, 2)).script!;
  const k = script.entries!.indexOf(name);
  return script.sequences![k]!.map((c) => c.words.map((w) => w.value).join(' '));
}

describe('a script calling another', () => {
  const scripts = { final: 'docker build -t app:latest .', prefinal: 'echo pre' };
  it('runs it in place, with its pre script, as written or with options that only quiet npm', () => {
    expect(sequence({ ...scripts, image: 'npm run final' }, 'image')).toEqual(['echo pre', 'docker build -t app:latest .']);
    expect(sequence({ ...scripts, image: 'npm run final --if-present --silent' }, 'image')).toEqual(['echo pre', 'docker build -t app:latest .']);
  });

  it('is a program the tool does not model when it passes the script arguments, which npm appends to its last command', () => {
    expect(sequence({ ...scripts, image: 'npm run final -- -f Dockerfile.prod' }, 'image')).toEqual(['npm run final -- -f Dockerfile.prod']);
    expect(sequence({ ...scripts, image: 'yarn run final --no-cache' }, 'image')).toEqual(['yarn run final --no-cache']);
    expect(sequence({ ...scripts, image: 'npm run final extra' }, 'image')).toEqual(['npm run final extra']);
  });

  it('is a program the tool does not model with options that change what npm runs', () => {
    expect(sequence({ ...scripts, image: 'npm run final --ignore-scripts' }, 'image')).toEqual(['npm run final --ignore-scripts']);
    expect(sequence({ ...scripts, image: 'npm run final -w packages/web' }, 'image')).toEqual(['npm run final -w packages/web']);
  });
});

describe('a script calling another with variables for it', () => {
  const scripts = { final: 'docker build -t app:latest .' };
  it('is a program the tool does not model: the called script runs with them, which its own reading does not see', () => {
    expect(sequence({ ...scripts, image: 'DOCKER_DEFAULT_PLATFORM=linux/arm64 npm run final' }, 'image')).toEqual(['npm run final']);
    expect(sequence({ ...scripts, image: 'export DOCKER_BUILDKIT=0; npm run final' }, 'image')).toEqual(['npm run final']);
    // A variable the caller keeps to itself does not reach the script.
    expect(sequence({ ...scripts, image: 'V=1; npm run final' }, 'image')).toEqual(['docker build -t app:latest .']);
  });
});

describe('yarn and pnpm calling a script', () => {
  const final = { final: 'docker build -t app:latest .' };
  it('`yarn X` runs script X in place, as `yarn run X` does, when X is none of yarn\'s own commands', () => {
    expect(sequence({ ...final, image: 'yarn final' }, 'image')).toEqual(['docker build -t app:latest .']);
    expect(sequence({ ...final, image: 'yarn run final && pnpm run final' }, 'image')).toEqual(['docker build -t app:latest .', 'docker build -t app:latest .']);
    expect(sequence({ test: 'docker build -t app:test .', image: 'yarn test' }, 'image')).toEqual(['yarn test']);
    expect(sequence({ install: 'docker build -t app:latest .', image: 'yarn install' }, 'image')).toEqual(['yarn install']);
    expect(sequence({ ...final, image: 'yarn other' }, 'image')).toEqual(['yarn other']);
  });

  it('is a program the tool does not model with words after the name (yarn and pnpm hand them to the script)', () => {
    expect(sequence({ ...final, image: 'yarn final --silent' }, 'image')).toEqual(['yarn final --silent']);
    expect(sequence({ ...final, image: 'pnpm run final --silent' }, 'image')).toEqual(['pnpm run final --silent']);
  });

  it('is a program the tool does not model for a script with a pre or post script, which only some versions run', () => {
    const hooked = { ...final, prefinal: 'echo pre' };
    expect(sequence({ ...hooked, image: 'yarn final' }, 'image')).toEqual(['yarn final']);
    expect(sequence({ ...hooked, image: 'yarn run final' }, 'image')).toEqual(['yarn run final']);
    expect(sequence({ ...final, postfinal: 'echo post', image: 'pnpm run final' }, 'image')).toEqual(['pnpm run final']);
    expect(sequence({ ...hooked, image: 'npm run final' }, 'image')).toEqual(['echo pre', 'docker build -t app:latest .']);
  });
});

describe('a setup whose steps yarn runs by script name', () => {
  it('migrates, and the calls of the scripts it empties go with them', () => {
    const scripts = {
      builder: 'docker build -t app:build -f Dockerfile.build .',
      extract: 'docker create --name app-out app:build && docker cp app-out:/out/app ./app && docker rm app-out',
      runtime: 'docker build -t app:latest .',
      image: 'yarn builder && yarn extract && yarn runtime',
    };
    const plan = planFiles({
      'Dockerfile.build': 'FROM golang:1.21\nRUN go build -o /out/app .\n',
      Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
      'package.json': JSON.stringify({ name: 'app', scripts }, null, 2),
    });
    expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
    expect(JSON.parse(plan.changes.find((c) => c.path === 'package.json')!.after!).scripts).toEqual({ runtime: scripts.runtime, image: 'yarn runtime' });
  });
});
