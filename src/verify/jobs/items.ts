/**
 * CI services that run a list of commands in one shell write it as one bash script. Travis CI
 * checks each command's status itself, without `set -e`: a failing line inside a multi-line item
 * does not stop it, a failing item does. Bitbucket Pipelines starts its script with `set -e`, so
 * a failing line stops it wherever it stands.
 */

const STATUS = '__msc_status';

/** Each item, then a stop with its status when it failed. */
export function stopOnFailure(items: readonly string[]): string {
  return items.map((item) => `${item}\n${STATUS}=$?; if [ "$${STATUS}" -ne 0 ]; then exit "$${STATUS}"; fi\n`).join('');
}

/** Each item under `set -e` (Bitbucket `script:`): the first failing line ends the script with its status. */
export function underErrexit(items: readonly string[]): string {
  return `set -e\n${items.map((item) => `${item}\n`).join('')}set +e\n`;
}

/** Each item, its status ignored (Travis `after_success`, Bitbucket `after-script`). */
export function ignoringFailure(items: readonly string[]): string {
  return items.map((item) => `${item}\n`).join('');
}

/**
 * Each item whether or not an earlier one failed; the first failure's status is kept and ends
 * the script after the last item (Travis `script:`: every command runs, the job fails).
 */
export function runAllThenFail(items: readonly string[]): string {
  if (items.length === 0) return '';
  const keep = `__msc_failed`;
  return `${keep}=0\n${items.map((item) => `${item}\n${STATUS}=$?; if [ "$${STATUS}" -ne 0 ] && [ "$${keep}" -eq 0 ]; then ${keep}=$${STATUS}; fi\n`).join('')}if [ "$${keep}" -ne 0 ]; then exit "$${keep}"; fi\n`;
}
