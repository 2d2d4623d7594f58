import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.js';

/**
 * The checks an operator runs on the money (`npm run billing:check`), and the property tests run
 * after random histories: each query lists what breaks a rule, empty when all holds.
 */
export const CONSISTENCY_CHECKS: { rule: string; query: (tx: Tx) => Promise<unknown[]> }[] = [
  {
    rule: 'an invoice’s total is the sum of its lines',
    query: (tx) =>
      sql`select i.number, i.total_cents, coalesce(sum(l.amount_cents), 0) as lines from invoices i left join invoice_lines l on l.invoice_id = i.id
      group by i.id, i.number, i.total_cents having i.total_cents <> coalesce(sum(l.amount_cents), 0)`
        .execute(tx)
        .then((result) => result.rows),
  },
  {
    rule: 'each document has one ledger entry, for its amount',
    query: (tx) =>
      sql`
      select 'invoice' as kind, i.number from invoices i where (select count(*) from ledger_entries l where l.invoice_id = i.id) <> 1
        or (select sum(l.amount_cents) from ledger_entries l where l.invoice_id = i.id) <> i.total_cents
      union all select 'payment', p.number from payments p where (select count(*) from ledger_entries l where l.payment_id = p.id and l.kind = 'payment') <> 1
        or (select sum(l.amount_cents) from ledger_entries l where l.payment_id = p.id and l.kind = 'payment') <> -p.amount_cents
      union all select 'cancellation', p.number from payments p where (select count(*) from ledger_entries l where l.payment_id = p.id and l.kind = 'payment_cancellation')
        <> (select count(*) from payment_cancellations c where c.payment_id = p.id)
      union all select 'refund', r.id::text from refunds r where (select coalesce(sum(l.amount_cents), 0) from ledger_entries l where l.refund_id = r.id) <> r.amount_cents`
        .execute(tx)
        .then((result) => result.rows),
  },
  {
    rule: 'no invoice is paid more than its total, no payment or credit note spent more than its amount',
    query: (tx) =>
      sql`
      select 'invoice' as kind, i.number from invoices i where i.kind = 'invoice' and i.total_cents < (select coalesce(sum(a.amount_cents), 0) from allocations a where a.invoice_id = i.id
        and (a.payment_id is null or not exists (select 1 from payment_cancellations c where c.payment_id = a.payment_id)))
      union all select 'payment', p.number from payments p where p.amount_cents < (select coalesce(sum(a.amount_cents), 0) from allocations a where a.payment_id = p.id)
      union all select 'credit note', n.number from invoices n where n.kind = 'credit_note' and -n.total_cents < (select coalesce(sum(a.amount_cents), 0) from allocations a where a.credit_note_id = n.id)`
        .execute(tx)
        .then((result) => result.rows),
  },
  {
    rule: 'each balance is what its invoices still lack less its unused credit',
    query: (tx) =>
      sql`
      with accounts as (select distinct tenant_id, household_id, regie_id from ledger_entries),
      owed as (select i.household_id, i.regie_id, sum(i.total_cents - coalesce((select sum(a.amount_cents) from allocations a where a.invoice_id = i.id
          and (a.payment_id is null or not exists (select 1 from payment_cancellations c where c.payment_id = a.payment_id))), 0)) as cents
        from invoices i where i.kind = 'invoice' group by 1, 2),
      credit as (select household_id, regie_id, sum(cents) as cents from (
          select p.household_id, p.regie_id, p.amount_cents - coalesce((select sum(a.amount_cents) from allocations a where a.payment_id = p.id), 0) as cents
            from payments p where not exists (select 1 from payment_cancellations c where c.payment_id = p.id)
          union all select n.household_id, n.regie_id, -n.total_cents - coalesce((select sum(a.amount_cents) from allocations a where a.credit_note_id = n.id), 0)
            from invoices n where n.kind = 'credit_note'
          union all select r.household_id, r.regie_id, -r.amount_cents from refunds r) parts group by 1, 2)
      select a.household_id, a.regie_id, (select sum(amount_cents) from ledger_entries l where l.household_id = a.household_id and l.regie_id = a.regie_id) as balance,
        coalesce(o.cents, 0) - coalesce(c.cents, 0) as expected
      from accounts a left join owed o using (household_id, regie_id) left join credit c using (household_id, regie_id)
      where (select sum(amount_cents) from ledger_entries l where l.household_id = a.household_id and l.regie_id = a.regie_id) <> coalesce(o.cents, 0) - coalesce(c.cents, 0)`
        .execute(tx)
        .then((result) => result.rows),
  },
  {
    rule: 'a day is billed at most once at a time, and each line is the sum of its days',
    query: (tx) =>
      sql`
      select 'twice' as problem, booking_id::text as id from billed_units where reverses is null and reversed_by is null group by booking_id having count(*) > 1
      union all select 'line', l.id::text from invoice_lines l join billed_units u on u.invoice_line_id = l.id
        group by l.id, l.care_cents, l.meal_cents, l.penalty_cents
        having sum(u.care_cents) <> l.care_cents or sum(u.meal_cents) <> l.meal_cents or sum(u.penalty_cents) <> l.penalty_cents`
        .execute(tx)
        .then((result) => result.rows),
  },
];

/** Every rule broken, with what breaks it (empty when the money is consistent). */
export async function consistencyProblems(tx: Tx): Promise<{ rule: string; rows: unknown[] }[]> {
  const problems: { rule: string; rows: unknown[] }[] = [];
  for (const check of CONSISTENCY_CHECKS) {
    const rows = await check.query(tx);
    if (rows.length > 0) problems.push({ rule: check.rule, rows });
  }
  return problems;
}
