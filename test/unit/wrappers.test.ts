/**
 * The one wrapper model (src/model/wrappers.ts), read by the host-command classifier and the
 * engine-build reader alike: a wrapper option's value (`sudo -u deploy`, `nice -n 10`) is never
 * the program, and an option the tool does not read leaves the command unmodelled.
 */
import { describe, expect, it } from 'vitest';
import { parseShell } from '../../src/analyze/shell.js';
import { programAt } from '../../src/model/wrappers.js';
import { engineBuild } from '../../src/model/engine-builds.js';
import { parseDockerCommand } from '../../src/model/docker-command.js';
import { hostEffect } from '../../src/plan/host-commands.js';

const command = (line: string) => {
  const cmds = parseShell('build.sh', line).script!.commands;
  return cmds[cmds.length - 1]!;
};
/** The program word the model finds, or `?sudo` when it stops, unmodelled, at that wrapper. */
const program = (line: string) => {
  const cmd = command(line);
  const { at, known } = programAt(cmd.words);
  return `${known ? '' : '?'}${cmd.words[at]?.value ?? '(none)'}`;
};

describe('wrappers', () => {
  it('skips each wrapper\'s options with their values', () => {
    expect(program('sudo -u deploy docker build .')).toBe('docker');
    expect(program('sudo --user=deploy -g ci cat app')).toBe('cat');
    expect(program('sudo --user deploy cat app')).toBe('cat');
    expect(program('sudo -Eu deploy cat app')).toBe('cat');
    expect(program('sudo -udeploy cat app')).toBe('cat');
    expect(program('sudo -E -n HOME=/root make')).toBe('make');
    expect(program('nice -n 10 make')).toBe('make');
    expect(program('nice --adjustment=5 make')).toBe('make');
    expect(program('nice -10 make')).toBe('make');
    expect(program('timeout 10 make')).toBe('make');
    expect(program('timeout -s KILL -k 5 10m make')).toBe('make');
    expect(program('timeout --signal=TERM 1h make')).toBe('make');
    expect(program('env -u HOME A=b make')).toBe('make');
    expect(program('env - PATH=/bin make')).toBe('make');
    expect(program('env -i make')).toBe('make');
    expect(program('stdbuf -o L -eL make')).toBe('make');
    expect(program('ionice -c 3 -n 7 make')).toBe('make');
    expect(program('chrt -f 10 make')).toBe('make');
    expect(program('chrt 0 make')).toBe('make');
    expect(program('taskset 0x3 make')).toBe('make');
    expect(program('taskset -c 0,2 make')).toBe('make');
    expect(program('time -f %e make')).toBe('make');
    expect(program('nohup make')).toBe('make');
    expect(program('command -p make')).toBe('make');
    expect(program('builtin echo x')).toBe('echo');
    expect(program('exec -a relay ./relay')).toBe('./relay');
    expect(program('setsid -w make')).toBe('make');
    expect(program('flock /tmp/build.lock make')).toBe('make');
    expect(program('flock -x -w 60 /tmp/build.lock make')).toBe('make');
    expect(program('flock --timeout=60 -E 3 .lock make')).toBe('make');
    expect(program('runuser -u ci -- make')).toBe('make');
    expect(program('runuser --user=ci -g docker make')).toBe('make');
    expect(program('doas -u ci make')).toBe('make');
    // Wrappers in a row, each with its own options.
    expect(program('sudo -u ci nice -n 5 timeout 30 env A=1 make')).toBe('make');
    // `--` ends the options; an operand after it is still the wrapper's.
    expect(program('timeout -- 5 make')).toBe('make');
  });

  it('leaves the command unmodelled at a wrapper option it does not read', () => {
    // Another folder, a shell, a list, the background: not the command after them as read here.
    expect(program('sudo -D /srv cat app')).toBe('?sudo');
    expect(program('sudo --chdir=/srv cat app')).toBe('?sudo');
    expect(program('sudo -i cat app')).toBe('?sudo');
    expect(program('sudo -b make')).toBe('?sudo');
    expect(program('env -C /srv cat app')).toBe('?env');
    expect(program('env -S "cat app"')).toBe('?env');
    expect(program('time -o times.txt make')).toBe('?time');
    expect(program('chrt -p 10 1234')).toBe('?chrt');
    expect(program('taskset -p 3 1234')).toBe('?taskset');
    expect(program('nice --frobnicate make')).toBe('?nice');
    expect(program('setsid -f make')).toBe('?setsid');
    expect(program('flock -c make /tmp/build.lock')).toBe('?flock');
    expect(program('runuser -l ci -c make')).toBe('?runuser');
    expect(program('doas -s')).toBe('?doas');
    // timeout without its DURATION.
    expect(program('timeout')).toBe('?timeout');
    // The first unread wrapper is the one named.
    expect(program('nice -n 5 sudo -D /srv make')).toBe('?sudo');
  });

  it('xargs is no wrapper: the words it runs come from its input', () => {
    expect(program('xargs rm')).toBe('xargs');
  });

  it('a run-time word where the program is due is the program, only known at run time', () => {
    const cmd = command('sudo -u ci "$TOOL" build');
    expect(programAt(cmd.words)).toEqual({ at: 3, known: true });
  });
});

describe('both readers use it', () => {
  it('a build behind sudo -u or nice -n is read as the docker build, by the docker model itself', () => {
    const cmd = command('sudo -u deploy docker build -f Dockerfile.build -t b .');
    const inv = parseDockerCommand(cmd);
    expect(inv).toMatchObject({ verb: 'build', at: 3 });
    expect(inv!.flags.map((f) => [f.name, f.value?.value])).toEqual([['--file', 'Dockerfile.build'], ['--tag', 'b']]);
    expect(inv!.operands.map((o) => o.word.value)).toEqual(['.']);
    // The build index's, as a docker build run directly is: not read twice as another engine's.
    expect(engineBuild(cmd)).toBeNull();
    expect(engineBuild(command('nice -n 10 docker build -t app .'))).toBeNull();
    // A wrapper the docker model does not read through leaves it another engine's build.
    expect(engineBuild(command('time -v docker build -t app .'))).toMatchObject({ kind: 'build', engine: 'docker' });
    expect(engineBuild(command('time -p docker build -t app .'))).toBeNull();
    expect(engineBuild(command('timeout 1h docker build -t app .'))).toBeNull();
    expect(engineBuild(command('timeout 1h podman build -t app .'))).toMatchObject({ kind: 'build', engine: 'podman' });
  });

  it('an engine behind a wrapper option the tool does not read is a build it cannot read', () => {
    expect(engineBuild(command('sudo -D /srv docker build .'))).toEqual({ kind: 'wrapped', wrapper: 'sudo' });
    expect(engineBuild(command('sudo -D /srv make'))).toBeNull();
    expect(engineBuild(command('sudo -i docker ps'))).toBeNull();
    expect(engineBuild(command('sudo -i podman build -t x .'))).toEqual({ kind: 'wrapped', wrapper: 'sudo' });
  });

  it('`sudo -u deploy cat app` reads app; the user is no program', () => {
    const e = hostEffect(command('sudo -u deploy cat app'));
    expect(e).toMatchObject({ program: 'cat', at: 3, known: true });
    expect(e.reads.map((u) => u.path)).toEqual(['app']);
    expect(hostEffect(command('nice -n 10 rm -f app'))).toMatchObject({ program: 'rm', known: true });
    expect(hostEffect(command('nice -n 10 rm -f app')).writes.map((u) => u.path)).toEqual(['app']);
  });

  it('a wrapper it cannot read is itself the program: every word it is given may be touched', () => {
    const e = hostEffect(command('sudo -D /srv rm -rf app'));
    expect(e).toMatchObject({ program: 'sudo', at: 0, known: false });
    expect(e.mayTouch.map((u) => u.path)).toContain('app');
    expect(hostEffect(command('time -o times.txt make'))).toMatchObject({ program: 'time', known: false });
  });
});
