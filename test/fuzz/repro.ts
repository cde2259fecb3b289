/**
 * A failing seed written out: `before/` (the repository, with its files' modes), `spec.json`
 * (the grammar choices, to replay it) and `finding.json` ({seed, what differs or broke, the
 * features that are not at their plainest}).
 */
import fs from 'node:fs';
import path from 'node:path';
import { activeFeatures, type RepoSpec } from './grammar.js';
import { render } from './render.js';
import { writeRepo, type Verdict } from './run-seed.js';

export function writeReproduction(dir: string, spec: RepoSpec, verdict: Verdict): void {
  fs.rmSync(dir, { recursive: true, force: true });
  writeRepo(path.join(dir, 'before'), render(spec));
  fs.writeFileSync(path.join(dir, 'spec.json'), `${JSON.stringify(spec, null, 2)}\n`);
  const what = verdict.kind === 'failure' ? verdict.what : verdict.kind;
  const details = verdict.kind === 'failure' || verdict.kind === 'invalid' ? verdict.details : '';
  const finding = { seed: spec.seed, what, details, features: activeFeatures(spec) };
  fs.writeFileSync(path.join(dir, 'finding.json'), `${JSON.stringify(finding, null, 2)}\n`);
}

/** The spec stored beside a reproduction (or a spec.json path itself). */
export function readSpec(p: string): RepoSpec {
  const file = fs.statSync(p).isDirectory() ? path.join(p, 'spec.json') : p;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as RepoSpec;
}
