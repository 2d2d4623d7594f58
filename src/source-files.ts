import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** A source file of the portal: its path from the project's root, and its text. */
export interface SourceFile {
  path: string;
  text: string;
}

/**
 * The TypeScript files under `dir` of the project at `root`, tests left out: what the architecture
 * check, the journal's labels and the DSFR stylesheets' cut (web/dsfr-stylesheets.ts) read.
 */
export function sourceFiles(root: string, dir = 'src'): SourceFile[] {
  const found: SourceFile[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(join(root, path))) {
      const child = join(path, entry);
      if (statSync(join(root, child)).isDirectory()) walk(child);
      else if (/\.tsx?$/.test(entry) && !/\.test\.tsx?$/.test(entry)) found.push({ path: child, text: readFileSync(join(root, child), 'utf8') });
    }
  };
  walk(dir);
  return found;
}
