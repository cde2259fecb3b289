/**
 * Colour decided once per output stream at the edge, in this order: --no-color and a non-empty
 * NO_COLOR turn it off (no-color.org); a non-empty FORCE_COLOR turns it on, except `0` or
 * `false`, which turn it off (Node's own reading of FORCE_COLOR); TERM=dumb turns it off (a
 * terminal that shows escapes as text); otherwise only a terminal gets colours. An empty
 * FORCE_COLOR or NO_COLOR counts as unset. Standard output and standard error are decided each
 * by whether it is a terminal, so `2> log` keeps escapes out of the log.
 */
import pc from 'picocolors';

export type Colors = ReturnType<typeof pc.createColors>;

export function colorsEnabled(opts: { noColor: boolean; isTTY: boolean; env: NodeJS.ProcessEnv }): boolean {
  const { env } = opts;
  if (opts.noColor || (env.NO_COLOR ?? '') !== '') return false;
  const force = env.FORCE_COLOR ?? '';
  if (force !== '') return force !== '0' && force.toLowerCase() !== 'false';
  if (env.TERM === 'dumb') return false;
  return opts.isTTY;
}

export function makeColors(opts: { noColor: boolean; isTTY: boolean; env: NodeJS.ProcessEnv }): Colors {
  return pc.createColors(colorsEnabled(opts));
}
