import { type TSchema, Type } from 'typebox';
import { Id, Text, UUID } from '../page-input.js';

/**
 * What the back office's pages accept beyond web/page-input.ts: the address naming a record,
 * the notice a redirect writes, the value of a decision button and the fields named after the rows
 * of a list. Staff do not type these (the pages write them), so anything else is refused by the
 * schema (web/plugins/pages.ts: 404 for an address, 400 for a query or a form).
 */

/** An address naming one record: /gestion/foyers/:id, /gestion/activites/:id/… */
export const IdParams = Type.Object({ id: Id });

/** A page that says what was just done (`?fait=…`, written by the redirect after a change). */
export const NoticeQuery = Type.Object({ fait: Type.Optional(Text) });

/** One of the words, or an id after one of them ("booking:<id>"), as a pattern. */
export const kindAndId = (kinds: readonly string[]) => `(?:${kinds.join('|')}):${UUID}`;

/**
 * The value of a decision button, "verb:target": one of the verbs, then one of the targets (patterns:
 * `UUID` of web/page-input.ts, `kindAndId(…)`, or words such as "selection").
 */
export function DecisionButton(verbs: readonly string[], targets: readonly string[]) {
  return Type.String({ pattern: `^(?:${verbs.join('|')}):(?:${targets.join('|')})$` });
}

/** A value split at its first colon: "accept:booking:<id>" → ["accept", "booking:<id>"]. */
export function splitAtColon(value: string): [string, string] {
  const colon = value.indexOf(':');
  return colon < 0 ? [value, ''] : [value.slice(0, colon), value.slice(colon + 1)];
}

/**
 * Fields named after the rows of a list, "<prefix><id>" (a child's mark, an enrollment's group), each
 * a value the schema given accepts; a field of that prefix whose name does not end with an id is refused.
 */
export function PerRow<T extends TSchema>(prefix: string, value: T) {
  const escaped = prefix.replace(/[.]/g, '\\.');
  return Type.Intersect([
    Type.Record(Type.String({ pattern: `^${escaped}` }), value),
    Type.Object({}, { propertyNames: { pattern: `^(?!${escaped})|^${escaped}${UUID}$` } }),
  ]);
}
