import { type ChildProcess, spawn } from 'node:child_process';

const root = new URL('../..', import.meta.url).pathname;

/**
 * The portal started as production runs it, in a process of its own (`src/main.ts`), with the
 * settings given over the environment's; resolves once it says it is running, rejects if it exits
 * first, with its exit code and all it printed (what it wrote on stderr is also passed on to ours).
 */
export function startPortalProcess(env: Record<string, string>, nodeArgs: string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { ...process.env, HOST: '127.0.0.1', DEMO: 'false', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Portail Famille is running')) resolve(child);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stderr.write(chunk);
    });
    child.once('close', (code) => reject(new Error(`the portal exited with ${code}:\n${output}`)));
  });
}
