import { spawn } from 'node:child_process';

const root = new URL('../..', import.meta.url).pathname;

/**
 * Runs an operator's command of `scripts/` (backup, restore…) as `npm run <name>` does, in a process
 * of its own with these settings over the environment's; resolves with its exit code and all it printed.
 */
export function runOperatorCommand(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}
