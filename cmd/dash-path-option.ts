/**
 * `-` given as an output path. On a command line `-` means standard output,
 * and a file named `-` is what nobody asks for: `plan --out -` and `drift
 * --out -` each wrote one (and the second overwrote the first), with exit 0.
 * Where the option's output takes standard output's place (`export --out`,
 * `drift --out`), the commands print it there, as with the option left out.
 * Where it is written besides what standard output shows, or is a secret, or
 * a folder of files, there is no standard output for it: refused here, saying
 * what to write instead. A file or folder really named `-` is given as `./-`.
 */
const REFUSED: Readonly<Record<string, Readonly<Record<string, { readonly flag: string; readonly names: 'file' | 'folder'; readonly instead: string }>>>> = {
  plan: {
    out: {
      flag: '--out',
      names: 'file',
      instead: 'it saves the JSON plan to a file for `apply --plan`, besides the plan shown on standard output; to print the JSON plan there use --format json (and --out plan.json to save it as well)',
    },
  },
  init: { outboxKey: { flag: '--outbox-key', names: 'file', instead: "it names the file of the outbox's private key, which is never printed; name a file" } },
  deliver: { pickup: { flag: '--pickup', names: 'folder', instead: 'it names the folder the .eml files are written into, one file per message; name a folder, or send by SMTP with TENANTCTL_SMTP_URL' } },
};

/** The refusal of `-` given to `command`'s output path options that have no standard output to mean; null otherwise. */
export function dashPathArgument(command: string, options: Readonly<Record<string, unknown>>): string | null {
  for (const [name, { flag, names, instead }] of Object.entries(REFUSED[command] ?? {})) {
    if (options[name] === '-') return `${flag} - would write a ${names} named -, not standard output: ${instead}; to name a ${names} -, write ./-; nothing was written`;
  }
  return null;
}

/** `--out -`: standard output, for an option whose output takes its place (export, drift). */
export const isStandardOutput = (path: string | undefined): boolean => path === '-';
