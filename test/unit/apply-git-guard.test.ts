/**
 * The dirty-tree guard asks git, and git would run commands the repository's config names
 * (core.fsmonitor, filter drivers). The guard must still see edits and untracked files, and
 * nothing from the repository may run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { uncommitted } from '../../src/apply/git-guard.js';
import { git } from '../support/cli.js';
import { writeTemp } from '../support/tree.js';

describe('git guard', () => {
  it('sees modified and untracked files without running the repository’s fsmonitor or filter commands', () => {
    const dir = writeTemp({ 'build.sh': '#!/bin/sh\n', Dockerfile: 'FROM a\n', 'sub/Dockerfile': 'FROM b\n', '.gitattributes': '* filter=evil\nsub/* filter=a.b\n' });
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'init');
    const marker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'msc-marker-')), 'ran');
    git(dir, 'config', 'core.fsmonitor', `touch ${marker}-fsmonitor; false`);
    for (const name of ['evil', 'a.b']) {
      git(dir, 'config', `filter.${name}.clean`, `touch ${marker}-${name}; cat`);
      git(dir, 'config', `filter.${name}.process`, `touch ${marker}-${name}-process`);
      git(dir, 'config', `filter.${name}.required`, 'true');
    }
    // Stat information that no longer matches the index makes git compare contents (through the filters).
    const old = new Date('2001-01-01');
    for (const f of ['build.sh', 'Dockerfile', 'sub/Dockerfile']) fs.utimesSync(path.join(dir, f), old, old);
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM a\nRUN x\n');
    fs.writeFileSync(path.join(dir, 'new.sh'), '#!/bin/sh\n');

    expect(uncommitted(dir, ['build.sh', 'Dockerfile', 'sub/Dockerfile', 'new.sh'])).toEqual(['Dockerfile', 'new.sh']);
    expect(fs.readdirSync(path.dirname(marker))).toEqual([]);
  });

  it('outside a git work tree there is nothing to guard', () => {
    expect(uncommitted(writeTemp({ a: 'a' }), ['a'])).toBe(null);
  });
});
