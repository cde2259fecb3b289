/**
 * Azure Pipelines: steps that take files from the sources folder: the `publish:` shortcut and
 * the tasks `PublishPipelineArtifact` (`targetPath`/`path`), `PublishBuildArtifacts`
 * (`PathtoPublish`), `CopyFiles` (`SourceFolder` + each of `Contents`), `ArchiveFiles`
 * (`rootFolderOrFile`) and `Cache` (`path`); any other task may read any path its inputs
 * mention. `PublishPipelineArtifact` without `targetPath`/`path` publishes `$(Pipeline.Workspace)`,
 * which holds the sources folder: the whole checkout. `$(Build.SourcesDirectory)` and `$(System.DefaultWorkingDirectory)` are the root;
 * another macro is only known at run time.
 */
import type { Document, YAMLMap } from 'yaml';
import { yaml } from '../../analyze/hosts/yaml-module.js';
import type { LineIndex } from '../../model/text.js';
import { getNoCase, lineOf, maps, pathLines, read, type WorkspaceRead } from './read.js';

const ROOT = /^\$\((Build\.SourcesDirectory|System\.DefaultWorkingDirectory|Build\.Repository\.LocalPath)\)\/?/i;

const KNOWN: [RegExp, string[]][] = [
  [/^PublishPipelineArtifact@/i, ['targetPath', 'path']],
  [/^PublishBuildArtifacts@/i, ['PathtoPublish']],
  [/^ArchiveFiles@/i, ['rootFolderOrFile']],
  [/^Cache(Beta)?@/i, ['path']],
];
const NO_READ = /^(DownloadPipelineArtifact|DownloadBuildArtifacts|CmdLine|PowerShell|Checkout)@/i;
/** `Bash@3` with an inline script is read as shell (../../analyze/hosts/azure-pipelines.ts); from a file (`targetType: filePath`, the default), its `filePath:` and `arguments:` are read as any task's inputs. */
const inlineBash = (task: string, inputs: YAMLMap) => /^Bash@/i.test(task) && String(getNoCase(inputs, 'targetType') ?? 'filePath').toLowerCase() === 'inline';
const PATH_LIKE = /path|file|dir|folder|artifact|glob|pattern|context|source|contents/i;

const rooted = (p: string) => p.trim().replace(ROOT, '');

export function azureReads(doc: Document, lines: LineIndex): WorkspaceRead[] {
  const y = yaml();
  const out: WorkspaceRead[] = [];
  const str = (n: unknown) => (y.isScalar(n) && typeof n.value === 'string' ? n.value : null);
  for (const step of maps(doc.contents)) {
    const publish = step.get('publish', true);
    if (str(publish) !== null) out.push(...read('the step `publish:`', rooted(str(publish)!), lineOf(lines, publish)));
    const task = step.get('task');
    const inputs = step.get('inputs', true);
    if (typeof task === 'string' && /^PublishPipelineArtifact@/i.test(task) && !(y.isMap(inputs) && (getNoCase(inputs, 'targetPath') !== undefined || getNoCase(inputs, 'path') !== undefined)))
      out.push(...read(`the step \`task: ${task}\` (no \`targetPath:\`: it publishes \`$(Pipeline.Workspace)\`)`, '', lineOf(lines, step.get('task', true))));
    if (typeof task !== 'string' || NO_READ.test(task) || !y.isMap(inputs) || inlineBash(task, inputs)) continue;
    const by = (key: string) => `the step \`task: ${task}\` (\`${key}:\`)`;
    if (/^CopyFiles@/i.test(task)) {
      const source = str(getNoCase(inputs, 'SourceFolder')) ?? '.';
      const contents = getNoCase(inputs as YAMLMap, 'Contents');
      const base = rooted(source);
      for (const c of str(contents) === null ? ['**'] : pathLines(str(contents)!)) out.push(...read(by('Contents'), base === '' ? c : `${base}/${c}`, lineOf(lines, contents, inputs)));
      continue;
    }
    const known = KNOWN.find(([re]) => re.test(task))?.[1].map((k) => k.toLowerCase());
    for (const p of inputs.items) {
      const key = y.isScalar(p.key) ? String(p.key.value) : '';
      if (known && !known.includes(key.toLowerCase())) continue;
      const value = str(p.value);
      const line = lineOf(lines, p.value, p.key);
      if (value === null) continue;
      const words = known ? pathLines(value) : value.split(/[\s,;]+/).filter((w) => w !== '');
      for (const w of words) out.push(...read(by(key), rooted(w), line).filter((r) => r.path !== null || known || PATH_LIKE.test(key)));
    }
  }
  return out;
}
