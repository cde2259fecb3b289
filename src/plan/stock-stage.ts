/**
 * A builder stage generated from a build that ran in a stock image with the sources mounted
 * (see analyze/stock-image.ts): no builder build, so no flags to carry and no file to delete.
 */
import type { BuildStep } from '../model/setup.js';
import type { CarryResult } from './build-flags.js';

/** The `docker run` flags of a stock build are no build flags: nothing is carried to the final build. */
export const stockCarry: CarryResult = { carried: [], words: [], diagnostics: [], notes: [] };

export function stockNote(stock: NonNullable<BuildStep['stock']>): string {
  return `there was no builder Dockerfile: the builder stage starts FROM ${stock.image} and copies the mounted ${stock.mountHost || '.'} to ${stock.mountPoint}, where the command ran`;
}
