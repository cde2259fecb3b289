/**
 * Removing every item of a CI list leaves its key without a value (`before_script:` alone), and
 * removing a step whose node carries an anchor leaves the anchor (`- &builder`), a list item
 * without a value. YAML reads both as null, and what a CI makes of a null depends on the key:
 *
 *  - GitLab reads a null job key as never written: a null `script` is an invalid job; a null
 *    `before_script`/`after_script` takes the `default:` (or top-level) one, a template's through
 *    `extends:`, or an included file's. Harmless only where the file holds no non-null list of that
 *    name anywhere and includes nothing: then, as before the edit, nothing else runs there.
 *  - Travis runs a language's default phase for a null `install`/`script` (`npm ci`, `npm test`):
 *    harmless only where every job's language has none (minimal, generic, shell). Its other
 *    phases have no default: a null one runs nothing, as the emptied list did.
 *  - Bitbucket rejects a null `script`; in GitHub Actions, CircleCI and Azure Pipelines an edit
 *    never needs to leave one (steps go whole), so any new null there is refused.
 *
 * An alias whose anchor went with a removed step (`env: &e` in the builder's step, `env: *e` in a
 * later one) leaves a file no YAML reader accepts.
 *
 * A null list item is never harmless (a null step is rejected; its anchor's aliases elsewhere
 * would read null too). Counted by key name, old text against new: an edit only ever removes.
 */
import { yaml } from '../analyze/hosts/yaml-module.js';
import type { ScriptFile } from '../model/script.js';
import { NO_DEFAULT_PHASES, TRAVIS_PHASES } from '../model/travis-jobs.js';

/** The CI kinds written in YAML. */
const YAML_KINDS: ReadonlySet<ScriptFile['kind']> = new Set(['github-actions', 'gitlab-ci', 'circleci', 'azure-pipelines', 'bitbucket-pipelines', 'travis-ci']);

const ITEM = '- (a list item)';

interface Reading {
  /** Null values by key name (ITEM for list items). */
  nulls: Map<string, number>;
  /** Key names with a value other than null somewhere in the file. */
  valued: Set<string>;
  /** Every `language:` value (Travis), as written. */
  languages: string[];
  /** Whether the top-level map has an `include:` key (GitLab). */
  includes: boolean;
  /** Aliases whose anchor the file no longer holds (`*e` after the step with `env: &e` went). */
  unresolved: string[];
}

function read(text: string): Reading {
  const y = yaml();
  const doc = y.parseDocument(text);
  const r: Reading = { nulls: new Map(), valued: new Set(), languages: [], includes: false, unresolved: [] };
  const isNull = (v: unknown) => v === null || v === undefined || (y.isScalar(v) && v.value === null);
  const count = (name: string, n = 1) => r.nulls.set(name, (r.nulls.get(name) ?? 0) + n);
  y.visit(doc, {
    Seq(_k, seq) {
      const n = seq.items.filter(isNull).length;
      if (n > 0) count(ITEM, n);
    },
    Alias(_k, alias) {
      if (!alias.resolve(doc)) r.unresolved.push(alias.source);
    },
    Pair(_k, pair) {
      if (!y.isScalar(pair.key)) return;
      const name = String(pair.key.value);
      if (isNull(pair.value)) count(name);
      else r.valued.add(name);
      if (name === 'language') r.languages.push(y.isScalar(pair.value) ? String(pair.value.value) : '');
    },
  });
  r.includes = y.isMap(doc.contents) && doc.contents.has('include');
  return r;
}

/** Why a null left under key `name` of a `kind` file changes what the CI runs, or null when it does not. */
function harm(kind: ScriptFile['kind'], name: string, now: Reading): string | null {
  const invalid = `the edit leaves \`${name}:\` without a value (every item of its list goes), which the CI rejects`;
  if (name === ITEM) return 'the edit leaves a list item without a value (a step whose keys went, its anchor left: `- &name`), which the CI rejects, and the anchor\'s aliases would read it too';
  if (kind === 'gitlab-ci') {
    if (name !== 'before_script' && name !== 'after_script') return invalid;
    if (now.includes) return `the edit leaves \`${name}:\` without a value, which GitLab reads as never written: the job would then run the \`${name}\` an included file may give it`;
    if (now.valued.has(name)) return `the edit leaves \`${name}:\` without a value, which GitLab reads as never written: the job would then run the file's other \`${name}\` (\`default:\`, top-level, or a template's)`;
    return null;
  }
  if (kind === 'travis-ci' && (TRAVIS_PHASES as readonly string[]).includes(name)) {
    if (name !== 'install' && name !== 'script') return null;
    const languages = now.languages.length > 0 ? now.languages : ['ruby'];
    const defaulted = languages.find((l) => !NO_DEFAULT_PHASES.has(l));
    if (defaulted !== undefined) return `the edit leaves \`${name}:\` without a value, so Travis CI would run the default ${name} phase of \`language: ${defaulted}\``;
    return null;
  }
  return invalid;
}

/** Why the edit from `oldText` to `newText` of a CI YAML file leaves a null that changes what the CI runs, or null. */
export function emptiedYamlKey(kind: ScriptFile['kind'], oldText: string, newText: string): string | null {
  if (!YAML_KINDS.has(kind)) return null;
  const was = read(oldText);
  const now = read(newText);
  // An anchor that went with a removed step while an alias of it stays: the file no longer parses.
  const lost = now.unresolved.find((a) => !was.unresolved.includes(a));
  if (lost !== undefined) return `the edit removes the anchor \`&${lost}\` (in a step or item that goes) while \`*${lost}\` still uses it: the CI would reject the file (an unresolved alias)`;
  for (const [name, n] of now.nulls) {
    if (n <= (was.nulls.get(name) ?? 0)) continue;
    const why = harm(kind, name, now);
    if (why) return why;
  }
  return null;
}
