import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isMessageKey } from '../../i18n/catalogue.js';
import { sourceFiles } from '../../source-files.js';

/** Actions whose name the code builds from parts (booking-decisions.ts), spelt out. */
const BUILT_ACTIONS = ['booking.accepted', 'booking.refused', 'booking.cancellation.accepted', 'booking.cancellation.refused'];

/** Every action name the code writes to the audit log: the quoted names after `action:`. */
function writtenActions(): Set<string> {
  const root = new URL('../../../', import.meta.url).pathname;
  const actions = new Set(BUILT_ACTIONS);
  for (const file of sourceFiles(root)) {
    for (const match of file.text.matchAll(/action:\s*([^,}\n]+)/g)) {
      // A name built in a template (BUILT_ACTIONS) quotes only its parts.
      if (match[1]!.includes('`')) continue;
      for (const name of match[1]!.matchAll(/'([a-z_]+\.[a-z_.]+)'/g)) actions.add(name[1]!);
    }
  }
  return actions;
}

it('names every action the code writes to the audit log in words, for the journal', () => {
  const actions = writtenActions();
  assert.ok(actions.size > 80, `found ${actions.size} actions: the scan still reads the code`);
  const unnamed = [...actions].filter((action) => !isMessageKey(`journal.action.${action}`));
  assert.deepEqual(unnamed, [], 'add journal.action.<name> to src/i18n/fr/journal.ts and en/journal.ts');
});
