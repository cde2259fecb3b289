import { describe, expect, it } from 'vitest';
import { parseShell } from '../../src/analyze/shell.js';
import { flagValues, parseDockerCommand } from '../../src/model/docker-command.js';

const inv = (line: string) => {
  const { script } = parseShell('b.sh', `${line}\n`);
  return parseDockerCommand(script!.commands[0]!);
};
const flags = (line: string) => inv(line)!.flags.map((f) => [f.name, f.value?.value ?? null]);
const operands = (line: string) => inv(line)!.operands.map((o) => o.word.value);

describe('docker-command model', () => {
  it('normalises subcommand spellings to one verb', () => {
    expect(['docker build .', 'docker image build .', 'docker buildx build .', '/usr/bin/docker build .'].map((l) => inv(l)!.verb)).toEqual(['build', 'build', 'build', 'build']);
    expect(['docker create x', 'docker container create x'].map((l) => inv(l)!.verb)).toEqual(['create', 'create']);
    expect(['docker cp a:/b c', 'docker container cp a:/b c'].map((l) => inv(l)!.verb)).toEqual(['cp', 'cp']);
    expect(['docker rm -f x', 'docker container rm x', 'docker rmi x', 'docker image rm x'].map((l) => inv(l)!.verb)).toEqual(['rm', 'rm', 'rmi', 'rmi']);
    expect(inv('echo docker build')).toBeNull();
    expect(inv('docker ps')!.verb).toBe('other');
  });

  it('reads build flags in every spelling', () => {
    expect(flags('docker build -t a:1 --tag=b:2 -tc:3 -f D.build --build-arg X=1 --no-cache --target=t .')).toEqual([
      ['--tag', 'a:1'],
      ['--tag', 'b:2'],
      ['--tag', 'c:3'],
      ['--file', 'D.build'],
      ['--build-arg', 'X=1'],
      ['--no-cache', null],
      ['--target', 't'],
    ]);
    expect(operands('docker build -t a . -f x')).toEqual(['.']);
  });

  it('knows -t means --tty for containers, and that the image ends the flags', () => {
    const i = inv('docker run -it --rm -v "$PWD:/out" -w /src img make -t all')!;
    expect(i.flags.map((f) => f.name)).toEqual(['--interactive', '--tty', '--rm', '--volume', '--workdir']);
    expect(i.operands.map((o) => o.word.value)).toEqual(['img', 'make', '-t', 'all']);
    expect(flagValues(inv('docker create --name extract img echo')!, '--name')[0]!.value).toBe('extract');
  });

  it('flags what it does not know instead of misreading the rest', () => {
    const i = inv('docker build --frobnicate x -t a .')!;
    expect(i.unknownFlags.map((w) => w.value)).toEqual(['--frobnicate']);
  });
});
