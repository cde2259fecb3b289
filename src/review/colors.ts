/** Colour decided once at the edge: --no-color and NO_COLOR win, FORCE_COLOR forces, else only on a TTY. */
import pc from 'picocolors';

export type Colors = ReturnType<typeof pc.createColors>;

export function makeColors(opts: { noColor: boolean; isTTY: boolean; env: NodeJS.ProcessEnv }): Colors {
  const { env } = opts;
  const enabled = !opts.noColor && !('NO_COLOR' in env && env.NO_COLOR !== '') && (opts.isTTY || ('FORCE_COLOR' in env && env.FORCE_COLOR !== '0'));
  return pc.createColors(enabled);
}
