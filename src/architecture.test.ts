import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { architectureProblems } from '../scripts/architecture.js';
import { type SourceFile, sourceFiles } from './source-files.js';

const root = join(new URL('.', import.meta.url).pathname, '..');

describe('the rules of the house on the source tree', () => {
  it('holds on the tree as it is', () => {
    assert.deepEqual(architectureProblems(sourceFiles(root)), []);
  });

  it('catches SQL in the web layer, a module using one above it, and an import cycle', () => {
    const files: SourceFile[] = [
      ...sourceFiles(root),
      { path: 'src/web/staff/scratch-routes.tsx', text: "const rows = await scope.tx.selectFrom('households').selectAll().execute();" },
      { path: 'src/modules/activities/scratch.ts', text: "import { fillFreePlaces } from '../bookings/waitlist.js';" },
      { path: 'src/web/family/scratch-a.tsx', text: "import { b } from './scratch-b.js';" },
      { path: 'src/web/family/scratch-b.tsx', text: "import { a } from './scratch-a.js';" },
    ];
    const problems = architectureProblems(files);
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.match(problems[0]!, /^src\/web\/staff\/scratch-routes\.tsx:1: the web layer builds SQL/);
    assert.match(problems[1]!, /module "activities" may not use "bookings"/);
    assert.match(problems[2]!, /^import cycle: src\/web\/family\/scratch-a\.tsx → src\/web\/family\/scratch-b\.tsx$/);
  });
});
