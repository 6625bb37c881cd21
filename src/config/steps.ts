/**
 * Work written as a generator that yields between its steps (a file parsed,
 * a rule run), so a caller waiting on the database can let the event loop
 * run between them: the directory's queries are sent and their results
 * received while the configuration is parsed and checked.
 */
export type Steps<T> = Generator<void, T>;

/** All steps at once. */
export function runSteps<T>(steps: Steps<T>): T {
  for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
}

/** The steps, letting the event loop run after each. */
export async function runStepsYielding<T>(steps: Steps<T>): Promise<T> {
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done) return step.value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
