import { spawn } from 'node:child_process';
import { OperationError } from './operation-command.js';

/** Where each tool the operations call comes from on Debian, said when it is missing. */
const PACKAGES: Record<string, string> = { pg_dump: 'postgresql-client', pg_restore: 'postgresql-client', tar: 'tar' };

/**
 * Runs a tool (pg_dump, pg_restore, tar) to its end; its error output becomes the message when it
 * fails. Extra environment variables carry what must not appear in the process list (PGPASSWORD).
 */
export function runTool(command: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') reject(new OperationError(`${command} is not installed (Debian: apt-get install ${PACKAGES[command] ?? command}).`));
      else reject(error);
    });
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new OperationError(`${command} failed (exit ${code}):\n${errors.trim()}`));
    });
  });
}

/**
 * A PostgreSQL URL as libpq tools take it, the password apart: given in PGPASSWORD rather than on
 * the command line, where every user of the machine could read it (`ps`).
 */
export function libpqConnection(databaseUrl: string): { dbname: string; env: Record<string, string> } {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  return { dbname: url.toString(), env: password ? { PGPASSWORD: password } : {} };
}
