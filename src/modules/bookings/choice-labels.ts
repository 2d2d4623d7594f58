import type { Scope } from '../scope.js';
import { personFullName } from '../person-name.js';

/** The children's names (first and last, as the family reads them everywhere) and the activities' unit names, to write each answer in words. */
export interface ChoiceLabels {
  names: Map<string, string>;
  units: Map<string, string>;
}

export async function choiceLabels(scope: Scope, activityIds: string[], choices: { childId: string }[]): Promise<ChoiceLabels> {
  const childIds = [...new Set(choices.map((choice) => choice.childId))];
  const names =
    childIds.length === 0 ? [] : await scope.tx.selectFrom('persons').select(['id', 'first_name', 'last_name']).where('id', 'in', childIds).execute();
  const units = await scope.tx
    .selectFrom('units')
    .select(['id', 'name'])
    .where('activity_id', 'in', [...new Set(activityIds)])
    .execute();
  return { names: new Map(names.map((row) => [row.id, personFullName(row)])), units: new Map(units.map((row) => [row.id, row.name])) };
}
