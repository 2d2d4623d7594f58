import { StartupError } from '../startup-error.js';

/**
 * A reason an operator's command (backup, restore…) stops that the operator fixes: a target that is
 * not empty, a file that is not a backup, a tool missing. Printed alone, without a stack trace.
 */
export class OperationError extends Error {}

/**
 * Runs an operator's command from `scripts/`: its own sentence on failure (exit 1), a stack trace only
 * for what nobody foresaw. `usage` is printed when the arguments are not `accepts` (a count, or a
 * test of its own) (exit 2).
 */
export async function runOperation(usage: string, accepts: number | ((args: string[]) => boolean), work: (args: string[]) => Promise<string>): Promise<never> {
  const args = process.argv.slice(2);
  if (typeof accepts === 'number' ? args.length !== accepts : !accepts(args)) {
    console.error(`usage: ${usage}`);
    process.exit(2);
  }
  try {
    console.log(await work(args));
    process.exit(0);
  } catch (error) {
    if (!(error instanceof OperationError || error instanceof StartupError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
