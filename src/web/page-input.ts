import { type Static, type TSchema, Type } from 'typebox';
import { Compile } from 'typebox/compile';

/**
 * What pages accept in their addresses and forms, declared by schemas that Fastify checks before the
 * route runs (web/plugins/pages.ts answers what they refuse): an id that is not an id, a month that
 * is not a month, a NUL byte or an endless text never reach a module. The meaning of what a person
 * typed (a date in the past, an unknown child) stays the module's to judge, with field messages.
 */

/** Text without NUL bytes (PostgreSQL refuses them), as long as a field may reasonably be. */
const TEXT = { maxLength: 20_000, pattern: '^[^\\u0000]*$' } as const;

export const Text = Type.String(TEXT);

/** A UUID as a pattern, for texts that hold ids among other things (`child|unit|day`, `id,id`). */
export const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

/** A record's id: a UUID. In an address, anything else is "not found". */
export const Id = Type.String({ format: 'uuid' });

/** A select's choice of a record: its id, or '' for the empty option ("—") a person may leave chosen. */
export const IdChoice = Type.Union([Id, Type.Literal('')]);

/** A calendar day as a pattern, YYYY-MM-DD between 2000 and 2099, for texts that hold days among other things. */
export const DAY = '20\\d\\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])';

/** A calendar day, YYYY-MM-DD, between 2000 and 2099. */
export const Day = Type.String({ pattern: `^${DAY}$`, format: 'date' });

/** A month, YYYY-MM, between 2000 and 2099. */
export const Month = Type.String({ pattern: '^20\\d\\d-(0[1-9]|1[0-2])$' });

/** A field that may be sent once or several times (checkboxes of one name), read as a list. */
export const Many = <T extends TSchema>(item: T) => Type.Union([item, Type.Array(item, { maxItems: 5_000 })]);

/** Optional query parameters: any text, each checked as a page reads it. */
export const Query = <P extends Record<string, TSchema>>(properties: P) => Type.Object(properties);

/**
 * A submitted form: every field a text, or several texts for checkboxes of one name; the route
 * reads the fields it knows. Forms that upload files are read by web/multipart-form.ts.
 */
export const Form = Type.Record(Type.String({ maxLength: 200 }), Many(Text));

export type FormInput = Static<typeof Form>;

/**
 * A body read without its route's schema — before it runs (a booking turned away under a rush is
 * answered before validation) or on a route that declares none: the form it is, or an empty one.
 */
export function formOf(body: unknown): FormInput {
  return formCheck.Check(body) ? body : {};
}

/** Compiled once: checked by interpretation, a booking form took 20-40 µs, twice for each of the thousands turned away in a rush's first second. */
const formCheck = Compile(Form);

/** The first value of each field, as typed (what a page gives back when it shows the form again). */
export function formValues(form: Readonly<Record<string, string | readonly string[] | undefined>> | undefined): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(form ?? {})) {
    const first = typeof value === 'string' ? value : value?.[0];
    if (first !== undefined) values[key] = first;
  }
  return values;
}

/** Every value of a field sent several times (checkboxes), none when absent. */
export function formList(form: Readonly<Record<string, string | readonly string[] | undefined>> | undefined, name: string): string[] {
  return many(form?.[name]);
}

/** The values of a `Many` field as read by its schema (a query's or a form's), none when absent. */
export function many<T extends string>(value: T | readonly T[] | undefined): T[] {
  return value === undefined ? [] : typeof value === 'string' ? [value] : [...value];
}
