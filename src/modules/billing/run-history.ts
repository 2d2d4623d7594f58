import { may } from '../access.js';
import type { Scope } from '../scope.js';

export interface RunRow {
  id: string;
  regieId: string;
  regieName: string;
  from: string;
  to: string;
  issuedOn: string;
  invoices: number;
  totalCents: number;
  createdAt: Date;
}

/** The invoice runs, newest first (or one of them). */
export async function listRuns(scope: Scope, limit: number, runId?: string): Promise<RunRow[]> {
  if (!may(scope, 'service.read')) return [];
  let query = scope.tx
    .selectFrom('invoice_runs as r')
    .innerJoin('regies as g', 'g.id', 'r.regie_id')
    .select(['r.id', 'r.regie_id', 'g.name', 'r.period_from', 'r.period_to', 'r.issued_on', 'r.invoices', 'r.total_cents', 'r.created_at'])
    .orderBy('r.created_at', 'desc')
    .limit(limit);
  if (runId) query = query.where('r.id', '=', runId);
  const rows = await query.execute();
  return rows.map((row) => ({
    id: row.id,
    regieId: row.regie_id,
    regieName: row.name,
    from: row.period_from,
    to: row.period_to,
    issuedOn: row.issued_on,
    invoices: row.invoices,
    totalCents: Number(row.total_cents),
    createdAt: row.created_at,
  }));
}
