/**
 * Programs that run a command line given as one word, through a shell, in the caller's folder:
 * `su -c 'sh build.sh' ci`, `script -qc './build.sh' /dev/null`, `flock /tmp/x.lock -c
 * './build.sh'`. Each one's options are read as its own parser reads them (util-linux su,
 * script and flock, which take options anywhere among their operands); the text of `-c` /
 * `--command` is then read as a shell's `-c` text is (./script-runs.ts). Left unread (the
 * command is not followed): su's login forms (`-`, `-l`, `--login`: the shell starts in the
 * user's home) and `--session-command`, script's `-t`/`--timing` (an optional value), and any
 * option not in the table.
 */
import type { Word } from '../model/script.js';

interface TextRunner {
  /** Short options that take a value (the rest of the word, or the next word). */
  valued: string;
  /** Short options without a value. */
  flags: string;
  longValued: readonly string[];
  longFlags: readonly string[];
}

const RUNNERS: Readonly<Record<string, TextRunner>> = {
  su: { valued: 'gGsw', flags: 'fmpP', longValued: ['--group', '--supp-group', '--shell', '--whitelist-environment'], longFlags: ['--fast', '--preserve-environment', '--pty'] },
  script: { valued: 'EBIOTmo', flags: 'aefq', longValued: ['--echo', '--log-io', '--log-in', '--log-out', '--log-timing', '--logging-format', '--output-limit'], longFlags: ['--append', '--return', '--flush', '--quiet'] },
  flock: { valued: 'wE', flags: 'sexnouF', longValued: ['--wait', '--timeout', '--conflict-exit-code'], longFlags: ['--shared', '--exclusive', '--nonblock', '--nb', '--close', '--unlock', '--no-fork', '--verbose'] },
};

/**
 * The text `words[at]` runs through its `-c`/`--command` option: the text (null when only known
 * at run time), or undefined when `words[at]` is no such program, gives no `-c`, or has an
 * option the table does not read.
 */
export function commandText(words: readonly Word[], at: number): string | null | undefined {
  const spec = RUNNERS[words[at]?.value ?? ''];
  if (!spec) return undefined;
  let text: Word | undefined;
  for (let i = at + 1; i < words.length; i++) {
    const v = words[i]!.value;
    if (v === null || v === '-' || !v.startsWith('-')) {
      // su's lone `-` is its login form.
      if (v === '-') return undefined;
      continue;
    }
    // After `--` the rest are operands (su's arguments to the shell, script's file).
    if (v === '--') break;
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      const name = eq < 0 ? v : v.slice(0, eq);
      if (name === '--command') {
        text = eq < 0 ? words[++i] : { ...words[i]!, value: v.slice(eq + 1) };
        if (text === undefined) return undefined;
      } else if (spec.longValued.includes(name)) i += eq < 0 ? 1 : 0;
      else if (!spec.longFlags.includes(name)) return undefined;
      continue;
    }
    for (let k = 1; k < v.length; k++) {
      const c = v[k]!;
      if (c === 'c' || spec.valued.includes(c)) {
        const value = k === v.length - 1 ? words[++i] : { ...words[i]!, value: v.slice(k + 1) };
        if (value === undefined) return undefined;
        if (c === 'c') text = value;
        break;
      }
      if (!spec.flags.includes(c)) return undefined;
    }
  }
  if (text === undefined) return undefined;
  return text.value;
}
