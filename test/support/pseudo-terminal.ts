// Tests that run tenantctl at a pseudo-terminal do it through util-linux `script`.
import { execFileSync } from 'node:child_process';

/** Whether util-linux `script` is on this machine. */
export const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
