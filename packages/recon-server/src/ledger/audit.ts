/** @module The audit trail: who did what to money, and why. Append-only, written in the same transaction. */
import type { Knex } from 'knex';

export interface AuditEntry {
  agencyId: string;
  /** An API key id, or `system:<part>` for automatic steps (the matching ladder, the seed). */
  actor: string;
  action: string;
  subjectType: 'receipt' | 'credit' | 'allocation' | 'agency' | 'cash_payment' | 'deposit_batch';
  subjectId: string;
  reason?: string | undefined;
  data?: Record<string, unknown>;
  at: Date;
}

export async function audit(db: Knex | Knex.Transaction, entry: AuditEntry): Promise<void> {
  await db('audit_events').insert({
    agency_id: entry.agencyId,
    actor: entry.actor,
    action: entry.action,
    subject_type: entry.subjectType,
    subject_id: entry.subjectId,
    reason: entry.reason ?? null,
    data: JSON.stringify(entry.data ?? {}),
    created_at: entry.at,
  });
}

export interface AuditEvent {
  id: number;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  reason: string | null;
  data: Record<string, unknown>;
  at: string;
}

/** The newest events of an agency, optionally about one subject. */
export async function listAuditEvents(
  db: Knex,
  agencyId: string,
  options: { subjectId?: string; limit?: number } = {},
): Promise<AuditEvent[]> {
  const query = db('audit_events')
    .where({ agency_id: agencyId })
    .orderBy('id', 'desc')
    .limit(options.limit ?? 100);
  if (options.subjectId) query.andWhere({ subject_id: options.subjectId });
  const rows = await query;
  return rows.map((row) => ({
    id: row.id,
    actor: row.actor,
    action: row.action,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    reason: row.reason,
    data: typeof row.data === 'string' ? JSON.parse(row.data) : row.data,
    at: new Date(row.created_at).toISOString(),
  }));
}
