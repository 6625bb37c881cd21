import readline from 'node:readline/promises';
import { neutraliseWorkflowCommands } from '../src/render/escape-terminal.js';

/** Colour only at a terminal, never when NO_COLOR is set or --no-color given. */
export function useColor(flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  return Boolean(process.stdout.isTTY);
}

export function interactive(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY);
}

/** Asks one question at the terminal; true only for exactly `expected`. */
export async function confirm(question: string, expected: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(question);
    return answer.trim() === expected;
  } finally {
    rl.close();
  }
}

// Every line printed passes the workflow-command guard (see escape-terminal.ts):
// a value a renderer failed to escape still cannot command a GitHub runner.
const line = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);

export function out(text: string): void {
  process.stdout.write(neutraliseWorkflowCommands(line(text)));
}

export function err(text: string): void {
  process.stderr.write(neutraliseWorkflowCommands(line(text)));
}

/** tenantctl's own GitHub annotations (`::error file=…::…`), values already escaped with annotationText. */
export function outAnnotations(text: string): void {
  process.stdout.write(neutraliseWorkflowCommands(line(text), true));
}
