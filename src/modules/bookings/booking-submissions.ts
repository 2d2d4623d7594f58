import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { may } from '../access.js';
import { accountIdOf } from '../actor.js';
import type { Scope } from '../scope.js';
import type { BookingChoice, BookingOutcome, BookingSubmission, ChoiceResult, RefusalReason } from './booking-requests.js';
import { choiceLabels, type ChoiceLabels } from './choice-labels.js';

/**
 * The booking forms households sent, each kept with the answer to every choice: the result page
 * reads it after the redirect that follows the form (so a refresh shows the answer again instead of
 * sending the form again), and "Mes demandes" finds there the choices refused on the spot, which
 * leave no booking behind.
 */

/** An outcome as kept: a basket's expiry is left to the basket's own page. */
export type KeptOutcome = BookingOutcome extends infer O ? (O extends { expiresAt: Date } ? Omit<O, 'expiresAt'> : O) : never;
export type KeptResult = BookingChoice & { outcome: KeptOutcome };

function kept(result: ChoiceResult): KeptResult {
  const { expiresAt: _expiry, ...outcome } = result.outcome as BookingOutcome & { expiresAt?: Date };
  return { childId: result.childId, unitId: result.unitId, day: result.day, outcome };
}

/**
 * Keeps the answered forms of one booking turn, in one statement, in the turn's transaction; the
 * id of each form's record, in the order given (null for a form not answered).
 */
export async function keepSubmissions(scope: Scope, answered: { submission: BookingSubmission; results: ChoiceResult[] | null }[]): Promise<(string | null)[]> {
  const ids = answered.map(({ results }) => (results ? randomUUID() : null));
  const rows = answered.flatMap(({ submission, results }, index) =>
    results
      ? [
          {
            id: ids[index]!,
            tenant_id: scope.tenantId,
            household_id: submission.householdId,
            activity_id: submission.activityId,
            created_by: accountIdOf(submission.actor),
            created_at: scope.now,
            results: JSON.stringify(results.map(kept)),
          },
        ]
      : [],
  );
  if (rows.length > 0) await scope.tx.insertInto('booking_submissions').values(rows).execute();
  return ids;
}

/** A form the household sent and its answers, with the names to write them; null for another household's. */
export async function submissionAnswer(scope: Scope, householdId: string, id: string): Promise<({ results: KeptResult[] } & ChoiceLabels) | null> {
  if (!may(scope, 'household.read', householdId)) return null;
  const row = await scope.tx
    .selectFrom('booking_submissions')
    .select(['activity_id', 'results'])
    .where('id', '=', id)
    .where('household_id', '=', householdId)
    .executeTakeFirst();
  if (!row) return null;
  const results = row.results as KeptResult[];
  return { results, ...(await choiceLabels(scope, [row.activity_id], results)) };
}

export interface RefusedOnTheSpot {
  childId: string;
  firstName: string;
  lastName: string;
  activityId: string;
  activityName: string;
  unitId: string;
  unitName: string;
  unitPosition: number;
  day: string;
  reason: RefusalReason;
  askedAt: Date;
  /** The account that sent the form. */
  askedBy: string | null;
}

/** The choices of a household's forms refused as soon as they were sent, day by day. */
export async function refusedOnTheSpot(scope: Scope, householdId: string): Promise<RefusedOnTheSpot[]> {
  if (!may(scope, 'household.read', householdId)) return [];
  const { rows } = await sql<RefusedOnTheSpot>`
    select p.id as "childId", p.first_name as "firstName", p.last_name as "lastName",
      a.id as "activityId", a.name as "activityName", u.id as "unitId", u.name as "unitName", u.position as "unitPosition",
      r.value->>'day' as day, r.value->'outcome'->>'reason' as reason, s.created_at as "askedAt", s.created_by as "askedBy"
    from booking_submissions s
    cross join lateral jsonb_array_elements(s.results) r
    join activities a on a.id = s.activity_id
    join units u on u.id = (r.value->>'unitId')::uuid
    join persons p on p.id = (r.value->>'childId')::uuid
    where s.household_id = ${householdId} and r.value->'outcome'->>'kind' = 'refused'
    order by day, u.position`.execute(scope.tx);
  return rows.map((row) => ({ ...row, askedAt: new Date(row.askedAt) }));
}
