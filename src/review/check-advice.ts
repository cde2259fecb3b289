/**
 * The closing line of `--check`: what running the tool would do for the setups it listed.
 * Only setups that can be migrated are promised a migration.
 */
import type { SetupPlan } from '../plan/index.js';

export function checkAdvice(setups: readonly Pick<SetupPlan, 'status'>[]): string {
  const migratable = setups.filter((s) => s.status === 'migrate').length;
  const refused = setups.length - migratable;
  if (migratable === 0) {
    return refused === 1
      ? 'It cannot be migrated by the tool: make the changes its errors ask for, or migrate it by hand.\n'
      : 'None of them can be migrated by the tool: make the changes their errors ask for, or migrate them by hand.\n';
  }
  if (refused === 0) return 'Run `multistage-codemod` to migrate them.\n';
  return `Run \`multistage-codemod\` to migrate the ${migratable} migratable one(s); for the other ${refused}, make the changes their errors ask for, or migrate them by hand.\n`;
}
