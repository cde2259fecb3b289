/**
 * GitHub Actions: `uses:` steps that read the runner's workspace through their `with:` inputs.
 * Actions known to read files name the inputs they read (`actions/upload-artifact` `path:`,
 * `softprops/action-gh-release` `files:`…), and the default an input left out takes
 * (`actions/upload-pages-artifact` reads `_site/`, `peaceiris/actions-gh-pages` `./public`).
 * An action the tool does not know may read any file of the checkout (through an input's
 * default, or a path of its own), so once it runs after the extraction it counts as a read of
 * the whole checkout, as an action of the repository does; each word of its inputs counts too,
 * and an input named like a path (`path`, `files`, `dir`…) holding a `${{ … }}` expression is a
 * path only known at run time.
 */
import type { Document, YAMLMap } from 'yaml';
import { yaml } from '../../analyze/hosts/yaml-module.js';
import type { LineIndex } from '../../model/text.js';
import { lineOf, pathLines, read, type WorkspaceRead } from './read.js';

/** An action known to read the workspace: the inputs it reads it through, and the documented default of each one left out. */
interface KnownAction {
  re: RegExp;
  inputs: string[];
  defaults?: Record<string, string>;
}

const KNOWN: KnownAction[] = [
  { re: /^actions\/upload-artifact(@|$)/, inputs: ['path'] },
  { re: /^actions\/upload-pages-artifact(@|$)/, inputs: ['path'], defaults: { path: '_site/' } },
  { re: /^actions\/cache(\/save)?(@|$)/, inputs: ['path'] },
  { re: /^actions\/attest(-build-provenance|-sbom)?(@|$)/, inputs: ['subject-path', 'sbom-path'] },
  { re: /^softprops\/action-gh-release(@|$)/, inputs: ['files'] },
  { re: /^ncipollo\/release-action(@|$)/, inputs: ['artifacts'] },
  { re: /^peaceiris\/actions-gh-pages(@|$)/, inputs: ['publish_dir'], defaults: { publish_dir: './public' } },
  // (the toolchain's version file and the lock files its cache key hashes, when named)
  { re: /^actions\/setup-[a-z]+(@|$)/, inputs: ['cache-dependency-path', 'node-version-file', 'go-version-file', 'python-version-file', 'java-version-file', 'global-json-file'] },
];

/**
 * Actions that only write the workspace (the checkout, a download, a cache restored) or read
 * none of it (a login, a builder or emulator set up, tags computed, a Pages deployment of an
 * uploaded artifact).
 */
const NO_READ = /^actions\/(checkout|download-artifact|cache\/restore|deploy-pages)(@|$)|^docker\/(setup-buildx-action|setup-qemu-action|login-action|metadata-action)(@|$)/;

/**
 * Actions whose reads are the paths their inputs name, and nothing by default:
 * docker/build-push-action builds the Git context (the commit, not the job's folder) unless
 * `context:` names a folder.
 */
const NAMED_ONLY = /^docker\/build-push-action(@|$)/;

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
  const known = KNOWN.find((k) => k.re.test(uses));
  const line = lineOf(lines, step.get('uses', true));
  // An action of the repository (`uses: ./.github/actions/package`) or a container action
  // (`uses: docker://…`, given the workspace) runs its own steps there: it may read anything.
  if (LOCAL_OR_CONTAINER.test(uses)) out.push({ by: `the step \`uses: ${uses}\`, which runs its own code in the checkout`, path: '', glob: false, line, afterOnly: true });
  // So may an action the tool does not know: an input left out may default to a folder of the
  // checkout (\`publish_dir: ./public\`, \`scan-ref: .\`), and its code may read paths of its own.
  else if (!known && !NAMED_ONLY.test(uses)) out.push({ by: `the step \`uses: ${uses}\`, an action the tool does not know (its inputs' defaults and its own code may read any file of the checkout)`, path: '', glob: false, line, afterOnly: true, hint: UNKNOWN_HINT });
  const given = new Set<string>();
  if (y.isMap(inputs)) {
    for (const p of inputs.items) {
      const key = y.isScalar(p.key) ? String(p.key.value) : '';
      given.add(key);
      if (known && !known.inputs.includes(key)) continue;
      readInput(`the step \`uses: ${uses}\` (\`with: ${key}:\`)`, key, p.value, lineOf(lines, p.value, p.key), !!known, out);
    }
  }
  // A known input left out reads its default.
  for (const [key, value] of Object.entries(known?.defaults ?? {})) {
    if (!given.has(key)) for (const r of read(`the step \`uses: ${uses}\` (\`${key}:\` left out: it defaults to \`${value}\`)`, value, line)) out.push(r);
  }
}

const UNKNOWN_HINT = 'Run what the action does from a `run:` step (or before the extraction), or migrate by hand: the tool does not know which files the action reads.';

/** The paths one input's value names, added to `out`: a known input is one path or pattern a line; another action's input may mention a path anywhere in it. */
function readInput(by: string, key: string, node: unknown, line: number, known: boolean, out: WorkspaceRead[]): void {
  const y = yaml();
  const value = y.isScalar(node) ? node.value : null;
  if (typeof value !== 'string') {
    if (known || PATH_LIKE.test(key)) out.push({ by, path: null, glob: false, line });
    return;
  }
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
