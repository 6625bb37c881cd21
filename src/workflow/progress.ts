/**
 * How far a long step has come: `done` of `total` units of `stage` (e.g. 120
 * of 500 passwords hashed); total 0 for a stage with nothing to count (waiting
 * on the database). src/ only reports through this callback; cmd/ decides
 * whether and how to show it.
 */
export interface ProgressEvent {
  readonly stage: string;
  readonly done: number;
  readonly total: number;
}

export type ProgressReporter = (event: ProgressEvent) => void;

/** The default: nobody is listening. */
export const NO_PROGRESS: ProgressReporter = () => undefined;
