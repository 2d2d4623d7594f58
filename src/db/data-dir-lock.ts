import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StartupError } from '../startup-error.js';

/**
 * The embedded database has one user: a second process opening the same folder writes into it
 * unseen by the first, and the folder is corrupted without a word. So the first to open it leaves
 * a lock file beside it (`<folder>.lock`) holding its process id, created only if absent (O_EXCL),
 * and removed when it closes the database or exits. A lock whose process is gone (killed with -9,
 * the machine restarted) is stale: the next start removes it, as PostgreSQL does with its
 * `postmaster.pid`. Returns the release.
 */
export async function lockDataDir(folder: string): Promise<() => void> {
  const path = `${folder}.lock`;
  mkdirSync(dirname(path), { recursive: true });
  // A stale lock removed, the next try may still lose to another process starting at that moment.
  for (let attempt = 1; attempt <= 3; attempt++) {
    if (createLock(path)) return holdUntilExit(path);
    const holder = await lockHolder(path);
    if (holder === undefined) continue;
    if (holder !== null && isRunning(holder)) {
      throw new StartupError(
        `The embedded database ${folder} is in use by process ${holder} (lock file ${path}): two processes on it would corrupt it. ` +
          'Stop that process first; if it is not a Portail Famille, delete the lock file.',
      );
    }
    removeLock(path, holder);
  }
  throw new StartupError(`The embedded database ${folder} could not be locked: other processes keep taking ${path}. Start one portal at a time.`);
}

function createLock(path: string): boolean {
  try {
    writeFileSync(path, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** The process id in the lock; undefined: the lock is gone; null: it holds no id (its writer died first). */
async function lockHolder(path: string): Promise<number | undefined | null> {
  const pid = readPid(path);
  if (pid !== null) return pid;
  // Empty: possibly created this very moment by a process about to write its id into it.
  await sleep(100);
  return readPid(path);
}

/** undefined: no lock file; null: a lock file without a process id. */
function readPid(path: string): number | undefined | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return /^\d+\n?$/.test(text) ? Number(text) : null;
}

/**
 * Whether the lock's process still runs. Our own id and our parent's cannot be the lock's holder:
 * such a lock was left by an earlier run of a container, whose processes get the same ids each time.
 */
function isRunning(pid: number): boolean {
  if (pid === process.pid || pid === process.ppid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the lock if it still holds `pid`, not one another process took meanwhile. */
function removeLock(path: string, pid: number | null): void {
  if (readPid(path) !== pid) return;
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Holds the lock until the release is called or the process exits, whichever comes first. */
function holdUntilExit(path: string): () => void {
  const release = () => {
    process.off('exit', release);
    removeLock(path, process.pid);
  };
  process.on('exit', release);
  return release;
}
