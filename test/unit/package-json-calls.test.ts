/** `npm run X` runs X in its place, only when npm runs it as written (src/analyze/hosts/package-json.ts). */
import { describe, expect, it } from 'vitest';
import { parsePackageJson } from '../../src/analyze/hosts/package-json.js';

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
