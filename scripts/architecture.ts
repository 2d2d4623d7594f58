// The rules of the house that a compiler does not check, checked on the source tree:
// - the web layer builds no SQL: it parses, calls a module, renders (DESIGN.md §3);
// - each module imports only the modules below it (MODULE_GRAPH), the web and nothing else above;
// - no import cycle between files.
// `tsx scripts/architecture.ts` prints each breach and exits 1 when there is one; `npm test` runs it.
import { dirname, join, normalize } from 'node:path';
import { type SourceFile, sourceFiles } from '../src/source-files.js';

/**
 * What each module folder of src/modules may import, besides the files at the root of src/modules
 * (actor, scope, access) and the shared infrastructure (db, i18n, jobs, clock, config). Written
 * from the bottom up: a module appears after every module it uses, so the graph has no cycle.
 */
export const MODULE_GRAPH: Record<string, readonly string[]> = {
  validation: [],
  security: [],
  audit: [],
  tenancy: ['audit'],
  calendar: ['audit', 'tenancy', 'validation'],
  notifications: ['security', 'validation'],
  documents: ['audit', 'validation'],
  ledger: ['audit', 'calendar', 'tenancy', 'validation'],
  identity: ['audit', 'notifications', 'security', 'tenancy', 'validation'],
  households: ['audit', 'documents', 'identity', 'ledger', 'notifications', 'tenancy', 'validation'],
  news: ['audit', 'validation'],
  activities: ['audit', 'calendar', 'tenancy', 'validation'],
  bookings: ['activities', 'audit', 'calendar', 'documents', 'households', 'notifications', 'tenancy', 'validation'],
  lottery: ['activities', 'audit', 'bookings', 'calendar', 'households', 'notifications', 'tenancy', 'validation'],
  billing: [
    'activities',
    'audit',
    'bookings',
    'calendar',
    'documents',
    'households',
    'identity',
    'ledger',
    'notifications',
    'security',
    'tenancy',
    'validation',
  ],
  prepayment: ['activities', 'audit', 'billing', 'bookings', 'calendar', 'ledger', 'notifications', 'tenancy', 'validation'],
  'online-payment': ['audit', 'calendar', 'ledger', 'notifications', 'prepayment', 'security', 'tenancy', 'validation'],
  messages: ['audit', 'bookings', 'documents', 'households', 'notifications', 'tenancy', 'validation'],
  retention: ['audit', 'bookings', 'calendar', 'identity', 'ledger', 'tenancy', 'validation'],
  journal: ['audit'],
  'document-space': ['activities', 'audit', 'bookings', 'calendar', 'documents', 'notifications', 'validation'],
  registers: ['audit', 'bookings', 'calendar', 'ledger'],
  authority: ['audit', 'bookings', 'calendar', 'documents', 'tenancy', 'validation'],
  shuttles: ['activities', 'audit', 'bookings', 'calendar', 'validation'],
};

/** Shared infrastructure every module may use. */
const INFRASTRUCTURE = ['src/db/', 'src/i18n/', 'src/jobs/', 'src/clock.ts', 'src/config.ts'];

/** Building SQL: Kysely's query builders, its sql template, or Kysely itself. */
const SQL_IN_WEB = /\.(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(|\bsql`|from 'kysely'/;

/** The files of `files` that `file` imports (relative imports only; packages are not the tree's). */
function importsOf(file: SourceFile, known: Set<string>): string[] {
  const targets: string[] = [];
  for (const match of file.text.matchAll(/(?:from|import)\s*'(\.{1,2}\/[^']+)'/g)) {
    const base = normalize(join(dirname(file.path), match[1]!)).replace(/\.js$/, '');
    const target = [`${base}.ts`, `${base}.tsx`].find((candidate) => known.has(candidate));
    if (target) targets.push(target);
  }
  return targets;
}

/** The module folder a file of src/modules belongs to; '' for the root files (actor, scope, access). */
function moduleOf(path: string): string | null {
  const match = /^src\/modules\/(?:([^/]+)\/)?[^/]+$/.exec(path) ?? /^src\/modules\/([^/]+)\//.exec(path);
  if (!path.startsWith('src/modules/')) return null;
  return match?.[1] ?? '';
}

export function architectureProblems(files: SourceFile[]): string[] {
  const problems: string[] = [];
  const known = new Set(files.map((file) => file.path));
  const graph = new Map(files.map((file) => [file.path, importsOf(file, known)]));

  for (const file of files) {
    const lines = file.text.split('\n');
    if (file.path.startsWith('src/web/')) {
      lines.forEach((line, index) => {
        if (SQL_IN_WEB.test(line)) problems.push(`${file.path}:${index + 1}: the web layer builds SQL; move the query into a module function`);
      });
    }
    const from = moduleOf(file.path);
    for (const target of graph.get(file.path) ?? []) {
      if (target.startsWith('src/web/') && !file.path.startsWith('src/web/') && file.path !== 'src/main.ts') {
        problems.push(`${file.path} imports ${target}: nothing below the web layer imports from it`);
      }
      if (file.path.startsWith('src/web/components/') && /^src\/web\/(family|staff|api|auth|public)\//.test(target)) {
        problems.push(`${file.path} imports ${target}: shared components do not import pages`);
      }
      if (file.path.startsWith('src/i18n/') && target.startsWith('src/modules/')) {
        problems.push(`${file.path} imports ${target}: the catalogue imports no module`);
      }
      if (from === null) continue;
      const to = moduleOf(target);
      if (to === null) {
        if (!INFRASTRUCTURE.some((prefix) => target.startsWith(prefix)))
          problems.push(`${file.path} imports ${target}: a module uses only modules and the shared infrastructure`);
        continue;
      }
      if (to === from || to === '') continue;
      if (from === '') {
        problems.push(`${file.path} imports ${target}: the root files of src/modules import no module`);
        continue;
      }
      const allowed = MODULE_GRAPH[from];
      if (!allowed) problems.push(`${file.path}: module "${from}" is not in MODULE_GRAPH (scripts/architecture.ts): say what it may import`);
      else if (!allowed.includes(to))
        problems.push(`${file.path} imports ${target}: module "${from}" may not use "${to}" (MODULE_GRAPH in scripts/architecture.ts)`);
    }
  }
  for (const cycle of importCycles(graph)) problems.push(`import cycle: ${cycle.join(' → ')}`);
  return problems;
}

/** Each group of files that import one another in a circle (Tarjan's strongly connected components). */
function importCycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let counter = 0;
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1) cycles.push(group.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = join(dirname(new URL(import.meta.url).pathname), '..');
  const problems = architectureProblems(sourceFiles(root));
  for (const problem of problems) console.error(problem);
  console.log(problems.length === 0 ? 'architecture: no breach' : `architecture: ${problems.length} breach(es)`);
  process.exit(problems.length === 0 ? 0 : 1);
}
