/**
 * GitHub Actions: `uses:` steps that read the runner's workspace through their `with:` inputs.
 * Actions known to read files name the inputs they read (`actions/upload-artifact` `path:`,
 * `softprops/action-gh-release` `files:`…); any other action may read any path its inputs
 * mention, so each word of each input counts, and an input named like a path (`path`, `files`,
 * `dir`…) holding a `${{ … }}` expression is a path only known at run time.
 */
import type { Document, YAMLMap } from 'yaml';
import { yaml } from '../../analyze/hosts/yaml-module.js';
import type { LineIndex } from '../../model/text.js';
import { lineOf, pathLines, read, type WorkspaceRead } from './read.js';

/** Actions that read the workspace, and the inputs they read it through. */
const KNOWN: [RegExp, string[]][] = [
  [/^actions\/upload-artifact(@|$)/, ['path']],
  [/^actions\/upload-pages-artifact(@|$)/, ['path']],
  [/^actions\/cache(\/save)?(@|$)/, ['path']],
  [/^actions\/attest(-build-provenance|-sbom)?(@|$)/, ['subject-path', 'sbom-path']],
  [/^softprops\/action-gh-release(@|$)/, ['files']],
  [/^ncipollo\/release-action(@|$)/, ['artifacts']],
];

/** Actions that only write the workspace (the checkout itself) or read none of it. */
const NO_READ = /^actions\/(checkout|download-artifact)(@|$)/;

/** The checkout, `${{ github.workspace }}`: a path under it is a path of the repository. */
const ROOT = /^\$\{\{\s*github\.workspace\s*\}\}(\/|$)/;

/** `uses: ./path` (an action of the repository itself) and `uses: docker://image`. */
const LOCAL_OR_CONTAINER = /^(\.\/|docker:\/\/)/;

const PATH_LIKE = /path|file|dir|folder|artifact|glob|pattern|context|source/i;

/** Every `uses:` step of a workflow's jobs, in file order, with the action it names. */
export function usesSteps(doc: Document): { step: YAMLMap; uses: string; job: string }[] {
  const y = yaml();
  const out: { step: YAMLMap; uses: string; job: string }[] = [];
  const jobs = y.isMap(doc.contents) ? doc.contents.get('jobs', true) : null;
  if (!y.isMap(jobs)) return out;
  for (const jp of jobs.items) {
    const steps = y.isMap(jp.value) ? (jp.value as YAMLMap).get('steps', true) : null;
    if (!y.isSeq(steps)) continue;
    for (const step of steps.items) {
      const uses = y.isMap(step) ? step.get('uses') : undefined;
      if (typeof uses === 'string') out.push({ step: step as YAMLMap, uses, job: String(y.isScalar(jp.key) ? jp.key.value : '') });
    }
  }
  return out;
}

/**
 * The patterns of each `hashFiles(…)` call in an expression (`if: hashFiles('app') != ''`,
 * `key: ${{ hashFiles('dist/**') }}`): GitHub hashes the files of the workspace they match when
 * the step is reached. Each argument is a string literal (`'…'`, `''` a quote) or, for anything
 * else, a pattern only known at run time (null).
 */
export function hashFilesPatterns(text: string): (string | null)[] {
  const out: (string | null)[] = [];
  for (let at = text.indexOf('hashFiles('); at >= 0; at = text.indexOf('hashFiles(', at + 1)) {
    let i = at + 'hashFiles('.length;
    for (;;) {
      while (text[i] === ' ' || text[i] === '\t' || text[i] === '\n') i++;
      if (text[i] === ')' || i >= text.length) break;
      if (text[i] === "'") {
        let v = '';
        for (i++; i < text.length; i++) {
          if (text[i] === "'" && text[i + 1] === "'") {
            v += "'";
            i++;
          } else if (text[i] === "'") break;
          else v += text[i];
        }
        i++;
        out.push(v);
      } else {
        // (an argument the tool does not read: a context, a call)
        out.push(null);
        while (i < text.length && text[i] !== ',' && text[i] !== ')') i++;
      }
      while (text[i] === ' ' || text[i] === '\t') i++;
      if (text[i] === ',') i++;
      else break;
    }
  }
  return out;
}

/** Every `hashFiles(…)` in the expressions of the workflow's jobs: a read of the files it matches, once the step is reached. */
function hashFilesReads(doc: Document, lines: LineIndex): WorkspaceRead[] {
  const y = yaml();
  const out: WorkspaceRead[] = [];
  const jobs = y.isMap(doc.contents) ? doc.contents.get('jobs', true) : null;
  if (!y.isMap(jobs)) return out;
  for (const jp of jobs.items) {
    const job = String(y.isScalar(jp.key) ? jp.key.value : '');
    y.visit(jp.value as YAMLMap, {
      Scalar(_k, node) {
        if (typeof node.value !== 'string' || !node.value.includes('hashFiles(')) return;
        const by = 'the expression `hashFiles(…)`, which hashes the files it matches when its step is reached';
        const line = lineOf(lines, node);
        for (const pattern of hashFilesPatterns(node.value)) {
          if (pattern === null) out.push({ by, path: null, glob: false, line, job, afterOnly: true });
          else for (const r of read(by, pattern.replace(ROOT, './'), line)) out.push({ ...r, job, afterOnly: true });
        }
      },
    });
  }
  return out;
}

export function githubReads(doc: Document, lines: LineIndex): WorkspaceRead[] {
  const out: WorkspaceRead[] = hashFilesReads(doc, lines);
  for (const { step, uses, job } of usesSteps(doc)) {
    if (NO_READ.test(uses)) continue;
    const first = out.length;
    readStep(step, uses, out, lines);
    // A step reads its own job's folder: another job of the workflow runs on a runner of its own.
    for (const r of out.slice(first)) r.job = job;
  }
  return out;
}

/** The paths one `uses:` step's inputs name, added to `out`. */
function readStep(step: YAMLMap, uses: string, out: WorkspaceRead[], lines: LineIndex): void {
  const y = yaml();
  const inputs = step.get('with', true);
  const known = KNOWN.find(([re]) => re.test(uses))?.[1];
  // An action of the repository (`uses: ./.github/actions/package`) or a container action
  // (`uses: docker://…`, given the workspace) runs its own steps there: it may read anything.
  if (LOCAL_OR_CONTAINER.test(uses)) out.push({ by: `the step \`uses: ${uses}\`, which runs its own code in the checkout`, path: '', glob: false, line: lineOf(lines, step.get('uses', true)), afterOnly: true });
  if (!y.isMap(inputs)) return;
  for (const p of inputs.items) {
    const key = y.isScalar(p.key) ? String(p.key.value) : '';
    if (known && !known.includes(key)) continue;
    const by = `the step \`uses: ${uses}\` (\`with: ${key}:\`)`;
    const line = lineOf(lines, p.value, p.key);
    const value = y.isScalar(p.value) ? p.value.value : null;
    if (typeof value !== 'string') {
      if (known || PATH_LIKE.test(key)) out.push({ by, path: null, glob: false, line });
      continue;
    }
    // A known input is one path or pattern a line; another action's input may mention a path anywhere in it.
    const words = known ? pathLines(value).flatMap((l) => l.split(',')) : value.split(/[\s,]+/);
    for (const w of words.map((x) => x.trim().replace(ROOT, './')).filter((x) => x !== '')) {
      if (w.includes('${{')) {
        if (known || PATH_LIKE.test(key)) out.push({ by, path: null, glob: false, line });
        continue;
      }
      // An unknown action's `$`-word is no mention of a workspace path unless its input is named for one.
      out.push(...read(by, w, line).filter((r) => r.path !== null || known || PATH_LIKE.test(key)));
    }
  }
}
