/**
 * What the readers of build tools' settings (../tool-builds.ts and the readers beside this file)
 * share: the build each finds, and how a Dockerfile path it names becomes the Dockerfiles it may
 * build.
 */
import path from 'node:path/posix';
import { DYNAMIC, lastName, type Targets } from '../../model/foreign-builds.js';
import { resolveRel } from '../../model/paths.js';

export interface ToolBuild extends Targets {
  file: string;
  line: number;
  text: string;
  program: string;
}

/** A build as a reader finds it: the reader's file and program are added by ../tool-builds.ts. */
export type FoundBuild = Omit<ToolBuild, 'file' | 'program'>;

export const folderOf = (file: string) => (path.dirname(file) === '.' ? '' : path.dirname(file));
export const lineAt = (text: string, offset: number) => text.slice(0, offset).split('\n').length;
/** A build of a Dockerfile of any name, anywhere: what a reader finds where it cannot read the file. */
export const anyBuild = (line: number, text: string): FoundBuild => ({ line, text, dockerfiles: null, names: [] });

/** The Dockerfile at `rel` (a path from each of `folders`; null: a folder only known at run time); by its name only when the path is not known. */
export function targetsOf(folders: readonly string[] | null, rel: string): Targets {
  if (folders === null || DYNAMIC.test(rel) || rel.startsWith('/')) {
    const name = lastName(rel);
    return { dockerfiles: null, names: name === null ? [] : [name] };
  }
  return { dockerfiles: [...new Set(folders.map((f) => resolveRel(f, rel)))], names: [] };
}
