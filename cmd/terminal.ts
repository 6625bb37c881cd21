import fs from 'node:fs';
import os from 'node:os';
import readline from 'node:readline';
import tty from 'node:tty';
import { ExitCode, TenantctlError } from '../src/diagnostics/tenantctl-error.js';
import { neutraliseWorkflowCommands } from '../src/render/escape-terminal.js';
import { saysNo } from './boolean-variables.js';

/**
 * Whether to colour, by the common conventions, strongest first: --no-color;
 * FORCE_COLOR (0 or false: never; 1, 2, 3, true or empty: always, even
 * piped); NO_COLOR (set and not empty: never); TERM=dumb; else at a terminal.
 */
export function useColor(flag: boolean | undefined, env: NodeJS.ProcessEnv = process.env, isTTY = Boolean(process.stdout.isTTY)): boolean {
  if (flag === false) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return isTTY;
}

/**
 * Whether this runs in CI: `CI` set, and not empty nor a no (`false`, `0`, `no`, `off`), as
 * GitHub Actions, GitLab CI and the other platforms set it for every job.
 */
export function inCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return !saysNo(env.CI);
}

/**
 * Where a prompt is shown: standard output at a terminal, else standard
 * error at one while standard output is a pipe, so that `tenantctl apply |
 * tee apply.log` typed at a terminal still asks there (tee shows the plan,
 * the log keeps it and the result); undefined when neither is a terminal, or
 * input is not typed at one. Not when standard output is a file (`>
 * apply.log`): the terminal would show the question and not the plan it asks
 * about.
 */
function promptStream(): NodeJS.WriteStream | undefined {
  if (!process.stdin.isTTY) return undefined;
  if (process.stdout.isTTY) return process.stdout;
  return process.stderr.isTTY && stdoutIsPipe() ? process.stderr : undefined;
}

function stdoutIsPipe(): boolean {
  try {
    return fs.fstatSync(1).isFIFO();
  } catch {
    return false;
  }
}

/** Standard output is not what the person at the terminal reads, though input is typed there. */
export function outputNotShown(): boolean {
  return Boolean(process.stdin.isTTY) && !process.stdout.isTTY && promptStream() === undefined;
}

/** Whether input is typed at a terminal that shows tenantctl's output (stdout or stderr), CI aside. */
export function atTerminal(): boolean {
  return promptStream() !== undefined;
}

/**
 * Whether apply may ask at a prompt: at a terminal, and not in CI. A CI job
 * given a pseudo-terminal (`docker run -t`, `script`) has nobody to type at
 * it, so apply asks nothing there and wants its flags instead of waiting
 * until the job times out.
 */
export function interactive(): boolean {
  return atTerminal() && !inCi();
}

/** What Ctrl-C or Ctrl-D at a prompt throws: exit 130, nothing changed. */
export class Cancelled extends TenantctlError {
  constructor() {
    super('cancelled, nothing was changed', ExitCode.cancelled);
  }
}

/**
 * Asks one question at the terminal; true only for exactly `expected`.
 * Ctrl-C (SIGINT at the prompt) and Ctrl-D (end of input) reject with
 * Cancelled rather than leave the question hanging.
 */
export function confirm(question: string, expected: string): Promise<boolean> {
  const output = promptStream() ?? process.stdout;
  const rl = readline.createInterface({ input: process.stdin, output });
  return new Promise<boolean>((resolve, reject) => {
    let answered = false;
    rl.on('SIGINT', () => rl.close());
    rl.on('close', () => {
      if (answered) return;
      output.write('\n');
      reject(new Cancelled());
    });
    rl.question(question, (answer) => {
      answered = true;
      rl.close();
      resolve(answer.trim() === expected);
    });
  });
}

let outliveTerminal = false;
/** As Node records it at start, to restore the terminal's settings at exit. */
const startedAtTerminal = [0, 1, 2].some((fd) => tty.isatty(fd));

/**
 * From now on a write to a terminal that is gone (the terminal or ssh session closed: EIO) no
 * longer ends the process, so that deliver, which stops on the SIGHUP that comes with it, still
 * records the message it wrote. The failed write may come before the SIGHUP is handled.
 */
export function outliveTheTerminal(): void {
  outliveTerminal = true;
}

/**
 * Ends the process as `signal` would have: the status a shell shows is 128 + its number. After
 * SIGHUP, begun at a terminal, by the signal itself: at exit Node 20 restores the terminal's
 * settings, fails (EIO: it is gone) and aborts (nodejs/node#58200), and a core dump would hold
 * whatever secrets were in memory.
 */
export function exitForSignal(signal: NodeJS.Signals): never {
  if (signal === 'SIGHUP' && startedAtTerminal) {
    process.removeAllListeners('SIGHUP');
    process.kill(process.pid, 'SIGHUP');
  }
  process.exit(128 + os.constants.signals[signal]);
}

/**
 * A reader that stops early (`tenantctl plan | head -1`) closes the pipe:
 * stop at once, quietly, with the status of a process that a shell's
 * SIGPIPE ended (128 + 13), as cat or git do. Node ignores SIGPIPE, so
 * without this the next write throws EPIPE as an unhandled 'error' event.
 */
export function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (cause: NodeJS.ErrnoException) => {
      if (cause.code === 'EPIPE') process.exit(ExitCode.closedPipe);
      if (cause.code === 'EIO' && outliveTerminal) return;
      if (stream !== process.stderr) process.stderr.write(`Error: cannot write the output: ${cause.message}\n`);
      process.exit(ExitCode.error);
    });
  }
}

// Every line printed passes the workflow-command guard (see escape-terminal.ts):
// a value a renderer failed to escape still cannot command a GitHub runner.
const line = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);

let stdoutUsed = false;
/** Whether anything was written to standard output yet: a JSON document begun cannot be followed by another. */
export function stdoutBegun(): boolean {
  return stdoutUsed;
}

function toStdout(text: string, done?: (cause?: Error | null) => void): void {
  stdoutUsed = true;
  process.stdout.write(text, done);
}

export function out(text: string): void {
  toStdout(neutraliseWorkflowCommands(line(text)));
}

/**
 * `out`, resolved once the text is written: what is said after it on stderr
 * ("Exported 13 users.") must not come before a failed write's error. A
 * failed write never resolves; its 'error' event ends the process
 * (endQuietlyOnClosedPipe). `cutShort`, when given, is said on stderr first
 * if the reader went away (EPIPE): for output that is incomplete when cut,
 * e.g. a configuration, which a 141 alone leaves a pipeline without
 * `pipefail` to take as written.
 */
export function outWritten(text: string, cutShort?: string): Promise<void> {
  return new Promise((resolve) => {
    toStdout(neutraliseWorkflowCommands(line(text)), (cause) => {
      if (!cause) resolve();
      else if (cutShort !== undefined && (cause as NodeJS.ErrnoException).code === 'EPIPE') {
        process.stderr.write(`Error: ${cutShort}\n`);
        process.exit(ExitCode.closedPipe);
      }
    });
  });
}

/**
 * Whether standard output leads nowhere: closed when tenantctl started
 * (`tenantctl export >&-`), or discarded by the program that started it
 * (Node's `stdio: 'ignore'`, Python's `subprocess.DEVNULL`). Node puts
 * /dev/null, opened for reading and writing, in place of a closed
 * descriptor, and those programs open it the same way, so the two cannot be
 * told apart; a shell's `> /dev/null` opens it for writing only, and is not
 * counted: whoever wrote it asked for the output to be dropped. Linux only
 * (it reads /proc); false where that cannot be read.
 */
export function stdoutLeadsNowhere(): boolean {
  try {
    const stat = fs.fstatSync(1);
    if (!stat.isCharacterDevice() || stat.rdev !== fs.statSync('/dev/null').rdev) return false;
    const flags = /^flags:\s*([0-7]+)$/m.exec(fs.readFileSync('/proc/self/fdinfo/1', 'utf8'))?.[1];
    // The access mode: the low two bits (O_ACCMODE, which Node does not export).
    return flags !== undefined && (Number.parseInt(flags, 8) & 0o3) === fs.constants.O_RDWR;
  } catch {
    return false;
  }
}

/**
 * Standard output written as it is made, in pieces that may end inside a
 * line: each line goes through the guard whole (it looks at a line's start),
 * so a line is held until its end arrives; `end` writes what is left.
 * `write` resolves once the stream has taken the piece in: a pipe is written
 * asynchronously, so without waiting for it to drain a slow reader (`| less`,
 * `| gzip` to a slow disk) had every piece queued in memory, the whole trail
 * history reads a page at a time to keep out of it.
 */
export function outPieces(stream: NodeJS.WritableStream = process.stdout): { write(piece: string): Promise<void>; end(): Promise<void> } {
  let held = '';
  const put = async (text: string) => {
    if (stream === process.stdout) stdoutUsed = true;
    if (stream.write(text)) return;
    // An error (a closed pipe) ends the process (endQuietlyOnClosedPipe); 'close' so that no other stream waits for ever.
    await new Promise<void>((resolve) => {
      const done = () => {
        stream.off('drain', done);
        stream.off('close', done);
        resolve();
      };
      stream.on('drain', done);
      stream.on('close', done);
    });
  };
  return {
    async write(piece) {
      const text = held + piece;
      const cut = text.lastIndexOf('\n') + 1;
      held = text.slice(cut);
      if (cut > 0) await put(neutraliseWorkflowCommands(text.slice(0, cut)));
    },
    async end() {
      const rest = held;
      held = '';
      if (rest !== '') await put(neutraliseWorkflowCommands(rest));
    },
  };
}

export function err(text: string): void {
  process.stderr.write(neutraliseWorkflowCommands(line(text)));
}

/** tenantctl's own GitHub annotations (`::error file=…::…`), values already escaped with annotationText. */
export function outAnnotations(text: string): void {
  toStdout(neutraliseWorkflowCommands(line(text), true));
}
