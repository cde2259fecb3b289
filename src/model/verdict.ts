/**
 * What --verify found for a setup: an input of the plan (a setup that did not verify is
 * refused there, with VERIFY_FAILED or ENGINE_ERROR), and a field of the JSON report.
 */
export type VerifyStatus = 'identical' | 'differs' | 'not-verified' | 'engine-error';

export interface RunSummary {
  /** null when the run was killed. */
  exitCode: number | null;
  timedOut: boolean;
  seconds: number;
}

export interface Verdict {
  status: VerifyStatus;
  /** One line for people. */
  message: string;
  /** Readable differences (images with paths and config keys, host files, exit status), or the engine's message. */
  differences: string[];
  /** How the pipeline was started (`sh build.sh`, `make image`…), when it could be. */
  entry: string | null;
  old: RunSummary | null;
  migrated: RunSummary | null;
  /** Image tags compared. */
  images: string[];
  /** Repository paths compared (what either run created, changed or removed). */
  hostFiles: string[];
}
