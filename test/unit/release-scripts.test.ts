/**
 * A script that drives no setup keeps only its name, kind, text, start folder and docker
 * builds once the tree is analysed (src/analyze/release-scripts.ts); the rest is read again
 * when the plan asks. The second reading must be the first one (also from a caller's folder,
 * also with compose services expanded), and what the plan asks of every script (its builds,
 * whether it was expanded) must not read anything again.
 */
import { describe, expect, it } from 'vitest';
import { analyze, readScript, scriptKindOf } from '../../src/analyze/index.js';
import { expandCompose, isExpanded } from '../../src/analyze/compose.js';
import { indexedBuilds, isIndexedBuild, keptCommands, releaseScript, type Reader } from '../../src/analyze/release-scripts.js';
import { calledPath, callsOf } from '../../src/analyze/callers.js';
import { isMakeScript } from '../../src/analyze/embedded.js';
import { MemoryFs } from '../../src/model/fs.js';
import type { ScriptFile } from '../../src/model/script.js';
import { planFiles } from '../support/plan.js';

const SETUP = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n',
  'main.go': 'package main\n\nfunc main() {}\n',
  'build.sh': '#!/bin/sh\nset -e\ndocker build -t app:build -f Dockerfile.build .\ndocker create --name x app:build\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build -t app:latest .\nrm -f app\n',
};

const OTHERS = {
  // Run from the root by the Makefile: read from the root's folder, not its own.
  'tools/lint.sh': '#!/bin/sh\ndocker build -t lint -f tools/Dockerfile.lint .\nhadolint Dockerfile.build\n',
  'tools/Dockerfile.lint': 'FROM alpine:3.19\n',
  Makefile: 'lint:\n\t./tools/lint.sh\n\tdocker push app:latest\n',
  'package.json': JSON.stringify({ scripts: { up: 'docker compose up -d web', push: 'docker push app:latest' } }, null, 2),
  'docker-compose.yml': 'services:\n  web:\n    image: app:latest\n',
};

const FILES: Record<string, string> = { ...SETUP, ...OTHERS };
const RELS = Object.keys(FILES).sort();

/** The analysis's own reading of `rel`, made again without releasing anything. */
function firstReading(fs: MemoryFs, rel: string, start?: { cwd: string | null }): ScriptFile {
  const read = readScript(scriptKindOf(rel, FILES[rel]!)!, rel, FILES[rel]!, fs, start).script!;
  return expandCompose(read, fs, []);
}

describe('scripts that drive no setup, released after analysis', () => {
  it('read again exactly as the analysis read them, from the same folder, compose services expanded', () => {
    const fs = new MemoryFs(FILES);
    const analysis = analyze(fs, RELS);
    expect(analysis.setups.map((s) => s.script)).toEqual(['build.sh']);
    const lint = analysis.scripts.get('tools/lint.sh')!;
    expect(lint.startCwd).toBe('');
    expect(lint.commands).toEqual(firstReading(fs, 'tools/lint.sh', { cwd: '' }).commands);
    expect(lint.commands.find((c) => c.words[0]?.value === 'hadolint')?.cwd).toBe('');
    const pkg = analysis.scripts.get('package.json')!;
    expect(isExpanded(pkg)).toBe(true);
    const again = firstReading(fs, 'package.json');
    expect(pkg.commands).toEqual(again.commands);
    expect(isExpanded(pkg) && isExpanded(again) && [...pkg.compose.files.keys()]).toEqual(['docker-compose.yml']);
    expect(analysis.scripts.get('Makefile')!.commands).toEqual(firstReading(fs, 'Makefile').commands);
  });

  it('keep their docker builds as first read: the same commands every time, nothing read again', () => {
    const fs = new MemoryFs(FILES);
    let reads = 0;
    const counting: Reader = (kind, rel, text, f, start) => {
      reads++;
      return readScript(kind, rel, text, f, start).script;
    };
    const first = firstReading(fs, 'tools/lint.sh', { cwd: '' });
    const released = releaseScript(first, false, fs, counting, isIndexedBuild);
    const builds = indexedBuilds(released);
    expect(builds.map((c) => c.words.map((w) => w.value).join(' '))).toEqual(['docker build -t lint -f tools/Dockerfile.lint .']);
    expect(builds[0]).toBe(first.commands[0]);
    expect(indexedBuilds(released)[0]).toBe(builds[0]);
    expect([released.file, released.kind, released.startCwd, released.text === FILES['tools/lint.sh'], 'compose' in released, 'commands' in released]).toEqual(['tools/lint.sh', 'shell', '', true, false, true]);
    expect(reads).toBe(0);
    expect(released.commands).toEqual(first.commands);
    expect(released.commands[0]).not.toBe(first.commands[0]);
    expect(reads).toBe(1);
  });

  it('keep the commands that call scripts: where callers run a script from is found without reading them again', () => {
    const fs = new MemoryFs(FILES);
    let reads = 0;
    const counting: Reader = (kind, rel, text, f, start) => {
      reads++;
      return readScript(kind, rel, text, f, start).script;
    };
    const make = firstReading(fs, 'Makefile');
    const released = releaseScript(make, false, fs, counting, (c) => calledPath(c) !== null);
    expect(keptCommands(released)).toEqual([make.commands[0]]);
    expect(callsOf(['tools/lint.sh'], [released])).toEqual(callsOf(['tools/lint.sh'], [make]));
    expect(callsOf(['tools/lint.sh'], [released]).get('tools/lint.sh')).toEqual([{ file: 'Makefile', line: 2, cwd: '' }]);
    expect(reads).toBe(0);
  });

  it("keep a Makefile's prerequisites: the plan finds them without reading the Makefile again", () => {
    const fs = new MemoryFs(FILES);
    let reads = 0;
    const counting: Reader = (kind, rel, text, f, start) => {
      reads++;
      return readScript(kind, rel, text, f, start).script;
    };
    const text = 'IMG := app\nbin/app: Dockerfile.build $(SRC)\n\tdocker build -t $(IMG) .\nifdef X\nout: hidden\n\ttrue\nendif\nall: bin/app main.go\n';
    const make = readScript('make', 'Makefile', text, fs).script!;
    const released = releaseScript(make, false, fs, counting, () => false);
    expect(isMakeScript(released)).toBe(true);
    const words = isMakeScript(released) ? released.prerequisiteWords : [];
    const shown = [];
    for (let k = 0; k < words.length; k += 2) shown.push(text.slice(words[k], words[k + 1]));
    // Top-level rules only, as make-prerequisites.ts always read them (a rule inside a conditional is not one).
    expect(shown).toEqual(['Dockerfile.build', '$(SRC)', 'bin/app', 'main.go']);
    expect(reads).toBe(0);
  });

  it('stay whole when they drive a setup', () => {
    const fs = new MemoryFs(FILES);
    const script = firstReading(fs, 'build.sh');
    expect(releaseScript(script, true, fs, () => null, () => true)).toBe(script);
  });

  it('a script that would read differently the second time is an internal error, never a plan', () => {
    const fs = new MemoryFs(FILES);
    const released = releaseScript(firstReading(fs, 'Makefile'), false, fs, (kind, rel, _text, f, start) => readScript(kind, rel, 'lint:\n\tdocker push app:latest\n', f, start).script, () => false);
    expect(() => released.commands).toThrow(/Makefile reads differently the second time/);
    expect(() => Object.assign(released, { text: '' })).toThrow(/a released script was changed/);
  });

  it('the plan still finds a builder Dockerfile named in a script it released', () => {
    const plan = planFiles(FILES);
    expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
    expect(plan.changes.filter((c) => c.action === 'delete')).toEqual([]);
    // Found as a command of the script, read again from the root, where it runs.
    expect(plan.setups[0]!.notes).toContain('Dockerfile.build is kept: `hadolint Dockerfile.build` (tools/lint.sh:3) still names it');
  });
});
