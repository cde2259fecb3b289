/**
 * GitHub Actions: a step's `working-directory` (or `defaults: run: working-directory`) written
 * under `${{ github.workspace }}`. The runner starts a relative working-directory from
 * GITHUB_WORKSPACE, the folder `${{ github.workspace }}` names (wherever a checkout step puts
 * the repository with `path:`), so `${{ github.workspace }}/svc` is the folder `svc` is, and
 * `${{ github.workspace }}` alone the one a step without working-directory runs in.
 */
import type { YAMLSeq } from 'yaml';
import { folderValue } from '../script-folder.js';
import { yaml } from './yaml-module.js';

const WORKSPACE = /^\$\{\{\s*github\.workspace\s*\}\}(?=\/|$)/;

/** The value as a folder relative to the workspace when it starts with `${{ github.workspace }}` (`./svc`, `.`), else the value as written. */
export function underWorkspace(value: string): string {
  const m = WORKSPACE.exec(value.trim());
  if (!m) return value;
  const rest = value.trim().slice(m[0].length).replace(/^\/+/, '');
  return rest === '' ? '.' : `./${rest}`;
}

/**
 * Whether a job's checkout is the workspace itself: some `actions/checkout` step checks this
 * repository out there (no `repository:`, no `path:`), and no other step checks anything out
 * there (each other checkout has a `path:`). Then `$GITHUB_WORKSPACE` in a step's shell names
 * the repository's root.
 */
export function checkoutAtWorkspace(steps: YAMLSeq): boolean {
  const y = yaml();
  let own = 0;
  for (const step of steps.items) {
    if (!y.isMap(step)) continue;
    const uses = step.get('uses');
    if (typeof uses !== 'string' || !CHECKOUT.test(uses)) continue;
    const inputs = step.get('with', true);
    const has = (key: string) => y.isMap(inputs) && inputs.has(key);
    if (has('path')) continue;
    if (has('repository')) return false;
    own++;
  }
  return own > 0;
}

const CHECKOUT = /^actions\/checkout(@|$)/;

/**
 * A step's variables with GITHUB_WORKSPACE, which the runner sets (a workflow cannot change it),
 * as the repository's root folder where the checkout is the workspace (../script-folder.ts: a
 * folder value, as `DIR=$(cd "$(dirname "$0")" && pwd)` leaves one), else left unknown.
 */
export function withWorkspace(vars: Map<string, string | null>, atWorkspace: boolean): Map<string, string | null> {
  if (!atWorkspace) return vars;
  return new Map([...vars, ['GITHUB_WORKSPACE', folderValue('')]]);
}
