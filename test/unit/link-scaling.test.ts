/**
 * One script driving many setups (a build.sh or Makefile building a hundred images): the linker
 * looks at every command of the script for each setup, and must do no more than that. A search
 * of the whole script for each command (a lookup of the command's docker reading, the removals
 * between the extraction and it, the calls of a function body) made it setups × commands²:
 * 400 setups in one build.sh took 46 s. Counted, not timed: the reads of the script's command
 * list, for twice the setups, may grow about 4× (setups × commands), not 8×.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/index.js';
import { linkScript } from '../../src/analyze/link.js';
import { MemoryFs } from '../../src/model/fs.js';
import type { ScriptCommand, ScriptFile } from '../../src/model/script.js';

function repo(setups: number): Record<string, string> {
  const files: Record<string, string> = {};
  let script = '#!/bin/sh\nset -e\n';
  for (let i = 1; i <= setups; i++) {
    files[`pkg${i}/Dockerfile.build`] = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n';
    files[`pkg${i}/Dockerfile`] = 'FROM alpine:3.19\nCOPY app /app\nCMD ["/app"]\n';
    script += `docker build -t a${i}-build -f pkg${i}/Dockerfile.build pkg${i}\ndocker create --name x${i} a${i}-build\ndocker cp x${i}:/out/app pkg${i}/app\ndocker rm x${i}\ndocker build -t a${i} pkg${i}\nrm -f pkg${i}/app.old\n`;
  }
  files['build.sh'] = script;
  return files;
}

/** Links build.sh again with its command list behind a proxy counting the reads of its items. */
function reads(setups: number): number {
  const files = repo(setups);
  const fs = new MemoryFs(files);
  const analysis = analyze(fs, Object.keys(files).sort());
  const script = analysis.scripts.get('build.sh')!;
  expect(analysis.setups.filter((s) => s.script === 'build.sh')).toHaveLength(setups);
  let count = 0;
  const counted = <T extends object>(list: T): T =>
    new Proxy(list, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) count++;
        return Reflect.get(target, key, receiver);
      },
    });
  const commands = counted([...script.commands]) as ScriptCommand[];
  const copy = { ...script, commands } as ScriptFile;
  const linked = linkScript(copy, fs, new Map(), commands);
  expect(linked.setups).toHaveLength(setups);
  return count;
}

describe('linking one script that drives many setups', () => {
  it('reads its command list about setups × commands times, not setups × commands²', () => {
    const small = reads(15);
    const large = reads(30);
    expect(large / small, `${small} reads for 15 setups, ${large} for 30`).toBeLessThanOrEqual(5);
  });
});
