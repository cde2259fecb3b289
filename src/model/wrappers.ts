/**
 * Programs that run the command after them (`sudo -u deploy docker build …`, `nice -n 10 make`,
 * `timeout 5m ./test.sh`): where, past them, the program a command runs starts. Each wrapper's
 * options are read as its own parser reads them (the options of sudo 1.9, GNU coreutils and
 * util-linux), so the value of an option (`deploy`, `10`) is never taken for the program. An
 * option the table does not know, or one that makes the wrapper run the command elsewhere
 * (`sudo -D dir`, `env -C dir`), later (`sudo -b`), not at all (`chrt -p PID`) or with effects
 * of its own (`time -o FILE`), leaves the command unmodelled: the callers then read the wrapper
 * as a program they do not know, never the command after it as run.
 */
import type { ScriptCommand, Word } from './script.js';

interface WrapperOptions {
  /** Short options that take a value (the rest of the word, or the next word). */
  valued: string;
  /** Short options without a value. */
  flags: string;
  /** Long options that take a value (`--user=deploy` or `--user deploy`). */
  longValued?: readonly string[];
  /** Long options without a value (or with an optional one written `--name=value`). */
  longFlags?: readonly string[];
  /** Operands before the command: timeout's DURATION, chrt's priority, taskset's mask. */
  operands?: number;
  /** `NAME=value` words before the command set its environment (sudo, env). */
  assignments?: boolean;
  /** `nice -10 cmd`: the adjustment written as an option of digits. */
  numeric?: boolean;
  /** `env - cmd`: a lone `-` is an option (`-i`). */
  dash?: boolean;
}

/**
 * The wrappers the tool reads through. Options left out on purpose (so they leave the command
 * unmodelled): sudo -b/--background (it runs on while the script goes on), -D/--chdir and
 * -R/--chroot (another folder), -i/--login and -s/--shell (a shell runs it), -e/--edit, -l/--list,
 * -v/--validate, -K, -V and the ambiguous -h (help or a host); setsid -f/--fork (it runs on in
 * the background); flock -c/--command (the command is inside a string); runuser -l/--login (a
 * login shell in the user's home), -s/--shell, -c/--command and -P/--pty (a terminal between the
 * command and its streams), and its su-like form without -u (`runuser ci ./build.sh`: the user
 * is read as the program, which the tool does not know); doas -s (a shell), -C and -L (no
 * command run); env -C/--chdir (another folder)
 * and -S/--split-string (the command is inside a string); xvfb-run -e/--error-file (it writes a
 * file); ionice -p/-P/-u and chrt -p (they change
 * running processes), chrt -m; taskset -p; time -o/-a (it writes a file). exec -c (an empty
 * environment) is read: the program is the same. `xargs` is no wrapper: the words it runs come
 * from its input.
 */
const WRAPPERS: Readonly<Record<string, WrapperOptions>> = {
  sudo: {
    valued: 'CcgprtTuU',
    flags: 'ABEHknNPS',
    longValued: ['--close-from', '--login-class', '--group', '--prompt', '--role', '--type', '--command-timeout', '--user', '--other-user'],
    longFlags: ['--askpass', '--bell', '--preserve-env', '--set-home', '--reset-timestamp', '--no-update', '--non-interactive', '--preserve-groups', '--stdin'],
    assignments: true,
  },
  env: { valued: 'u', flags: 'i0v', longValued: ['--unset'], longFlags: ['--ignore-environment', '--null', '--debug', '--block-signal', '--default-signal', '--ignore-signal'], assignments: true, dash: true },
  nice: { valued: 'n', flags: '', longValued: ['--adjustment'], numeric: true },
  timeout: { valued: 'ks', flags: 'v', longValued: ['--kill-after', '--signal'], longFlags: ['--preserve-status', '--foreground', '--verbose'], operands: 1 },
  stdbuf: { valued: 'ioe', flags: '', longValued: ['--input', '--output', '--error'] },
  ionice: { valued: 'cn', flags: 't', longValued: ['--class', '--classdata'], longFlags: ['--ignore'] },
  chrt: { valued: 'TPD', flags: 'bdfioRav', longValued: ['--sched-runtime', '--sched-period', '--sched-deadline'], longFlags: ['--batch', '--deadline', '--fifo', '--idle', '--other', '--rr', '--reset-on-fork', '--all-tasks', '--verbose'], operands: 1 },
  taskset: { valued: '', flags: 'ac', longFlags: ['--all-tasks', '--cpu-list'], operands: 1 },
  time: { valued: 'f', flags: 'pqv', longValued: ['--format'], longFlags: ['--portability', '--quiet', '--verbose'] },
  nohup: { valued: '', flags: '' },
  // `command -v jq` looks jq up without running it: the callers see the `-v` (host-commands' readsOnlyNamed).
  command: { valued: '', flags: 'pvV' },
  builtin: { valued: '', flags: '' },
  exec: { valued: 'a', flags: 'cl' },
  // util-linux: each runs the command in the foreground, with the caller's folder and standard streams.
  setsid: { valued: '', flags: 'cw', longFlags: ['--ctty', '--wait'] },
  flock: { valued: 'wE', flags: 'sexnouF', longValued: ['--wait', '--timeout', '--conflict-exit-code'], longFlags: ['--shared', '--exclusive', '--nonblock', '--nb', '--close', '--unlock', '--no-fork', '--verbose'], operands: 1 },
  runuser: { valued: 'ugGw', flags: 'mp', longValued: ['--user', '--group', '--supp-group', '--whitelist-environment'], longFlags: ['--preserve-environment'] },
  // OpenBSD's doas (also packaged for Linux): sudo's plain form.
  doas: { valued: 'u', flags: 'n' },
  // moreutils: output held back unless the command fails (-e: or writes to stderr); -v marks the streams.
  chronic: { valued: '', flags: 'ev' },
  // expect's unbuffer: the command on a pseudo-terminal; -p reads its input from the pipe.
  unbuffer: { valued: '', flags: 'p' },
  // macOS: the machine kept awake while the command runs (-w PID: also while that process runs; -t SECONDS).
  caffeinate: { valued: 'tw', flags: 'dimsu' },
  // Debian's xvfb-run: the command with DISPLAY set to a virtual X server (-e FILE, --error-file, writes a file: left out).
  'xvfb-run': { valued: 'fnpsw', flags: 'al', longValued: ['--auth-file', '--server-num', '--xauth-protocol', '--server-args', '--wait'], longFlags: ['--auto-servernum', '--listen-tcp'] },
};

/** A `NAME=value` word (sudo's and env's assignments; src/model/docker-command.ts reads env's). */
export const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Whether `name` (a program word's value) is a wrapper the tool reads through. */
export function isWrapper(name: string | null | undefined): boolean {
  return name != null && Object.hasOwn(WRAPPERS, name);
}

/**
 * Where the program a command runs starts, past its wrappers: `{ at, known: true }`. When a
 * wrapper's options cannot be read (an option not in the table, or an operand it needs missing),
 * `{ at, known: false }` with `at` the index of that wrapper. A wrapper with nothing after it
 * (`exec >build.log`) runs no program: `at` is then past the last word.
 */
export function programAt(words: readonly Word[]): { at: number; known: boolean } {
  const spans = wrapperSpans(words);
  const last = spans[spans.length - 1];
  return last === undefined ? { at: 0, known: true } : last.end === null ? { at: last.start, known: false } : { at: last.end, known: true };
}

/**
 * Each wrapper before the program: where its name is and where its options and operands end
 * (`end`: the index of the word after them; null when they cannot be read, and no span follows).
 */
export function wrapperSpans(words: readonly Word[]): { name: string; start: number; end: number | null }[] {
  const spans: { name: string; start: number; end: number | null }[] = [];
  let i = 0;
  while (i < words.length && isWrapper(words[i]!.value)) {
    const name = words[i]!.value!;
    const next = pastOptions(words, i, WRAPPERS[name]!);
    spans.push({ name, start: i, end: next });
    if (next === null) break;
    i = next;
  }
  return spans;
}

/** The index of the word after wrapper `at`'s options and operands, or null when they cannot be read. */
function pastOptions(words: readonly Word[], at: number, spec: WrapperOptions): number | null {
  let i = at + 1;
  let operands = spec.operands ?? 0;
  let ended = false;
  while (i < words.length) {
    const v = words[i]!.value;
    // A word only known at run time: an operand where one is due, else the program (only known at run time).
    if (v === null) {
      // (an assignment whose value is only known at run time: `env BASH_ENV="$HOME/.env" bash build.sh`)
      if (!ended && spec.assignments && ASSIGNMENT.test(words[i]!.staticPrefix)) {
        i++;
        continue;
      }
      if (operands === 0) break;
      operands--;
      i++;
      continue;
    }
    if (ended || (v === '-' && !spec.dash) || !v.startsWith('-')) {
      if (!ended && spec.assignments && ASSIGNMENT.test(v)) {
        i++;
        continue;
      }
      if (operands === 0) break;
      operands--;
      i++;
      continue;
    }
    if (v === '--' || v === '-') {
      ended = v === '--';
      i++;
      continue;
    }
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      const name = eq < 0 ? v : v.slice(0, eq);
      if (spec.longValued?.includes(name)) i += eq < 0 ? 2 : 1;
      else if (spec.longFlags?.includes(name)) i++;
      else return null;
      continue;
    }
    if (spec.numeric && /^-\d+$/.test(v)) {
      i++;
      continue;
    }
    // A cluster of short options (`-Eu deploy`): a valued one takes the rest of the word, or the next word.
    let took = 1;
    for (let k = 1; k < v.length; k++) {
      const c = v[k]!;
      if (spec.valued.includes(c)) {
        if (k === v.length - 1) took = 2;
        break;
      }
      if (!spec.flags.includes(c)) return null;
    }
    i += took;
  }
  // An operand the wrapper needs before its command (`timeout 5m`) that is missing: nothing is run as read.
  return operands > 0 || i > words.length ? null : i;
}

/**
 * `env [-i] [-u NAME] [NAME=VALUE]… PROGRAM …` (after an optional `exec`): the index of the
 * word env runs, and the variables it sets for it (null: a value only known at run time). Null
 * when the command is no such call, or env changes its folder or splits its words (`-C`, `-S`),
 * or a word may be either an assignment or the program.
 */
export function envPrefix(cmd: ScriptCommand): { at: number; vars: Map<string, string | null> } | null {
  const words = cmd.words;
  let i = words[0]?.value === 'exec' ? 1 : 0;
  if (words[i]?.value !== 'env') return null;
  const vars = new Map<string, string | null>();
  for (i++; i < words.length; i++) {
    const w = words[i]!;
    const v = w.value;
    const name = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(v ?? w.staticPrefix)?.[1];
    if (name !== undefined) {
      vars.set(name, v === null ? null : v.slice(name.length + 1));
      continue;
    }
    if (v === null) return null;
    if (v === '-i' || v === '-' || v === '--ignore-environment' || v === '-0' || v === '--null' || v.startsWith('--unset=')) continue;
    if (v === '-u' || v === '--unset') {
      i++;
      continue;
    }
    if (v === '--') {
      i++;
      break;
    }
    if (v.startsWith('-')) return null;
    break;
  }
  return i < words.length ? { at: i, vars } : null;
}
