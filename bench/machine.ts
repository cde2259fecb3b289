/** The machine a bench ran on, described for the README's table, and the ripgrep it compares with. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

export interface Machine {
  cpus: number;
  model: string;
  ramGiB: number;
  system: string;
  node: string;
  rg: string;
  /** All of it in one line. */
  line: string;
}

/** `ripgrep 13.0.0` (the first line of `rg --version`), or null when rg does not run. */
export function ripgrep(): string | null {
  const r = spawnSync('rg', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0]!.trim() : null;
}

export function machine(rg: string): Machine {
  const cpus = os.availableParallelism();
  const model = os.cpus()[0]?.model.replace(/\s+/g, ' ').trim() || 'unknown CPU';
  const ramGiB = os.totalmem() / 1024 ** 3;
  const system = osName();
  const node = `Node ${process.version.slice(1)}`;
  return { cpus, model, ramGiB, system, node, rg, line: `${cpus} CPU(s) (${model}), ${ramGiB.toFixed(0)} GiB RAM, ${system}, ${node}, ${rg}` };
}

/** The distribution's name where /etc/os-release says it (Linux), else the kernel's. */
function osName(): string {
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(fs.readFileSync('/etc/os-release', 'utf8'))?.[1];
    if (pretty) return `${pretty} (${os.type()} ${os.release()})`;
  } catch {
    /* not Linux */
  }
  return `${os.type()} ${os.release()}`;
}
