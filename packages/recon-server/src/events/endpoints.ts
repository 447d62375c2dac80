/** @module Where an agency's events go; the newest row is in force, older ones are history. */
import type { Knex } from 'knex';

export async function saveEventEndpoint(
  db: Knex,
  input: { agencyId: string; url: string; secret: string; keyId?: string; at: Date },
): Promise<void> {
  await db('event_endpoints').insert({
    agency_id: input.agencyId,
    url: input.url,
    secret: input.secret,
    created_by_key: input.keyId ?? null,
    created_at: input.at,
  });
}

/** The endpoint in force (its URL, never its secret) and where the agency's events stand. */
export async function eventEndpointStatus(db: Knex, agencyId: string) {
  const endpoint = await db('event_endpoints')
    .where({ agency_id: agencyId })
    .orderBy('id', 'desc')
    .first('url', 'created_at');
  const counts = await db.raw(
    `select coalesce(la.status, case when la.attempt is null then 'pending' else 'sending' end) as state, count(*)::int as n
     from outbox_events e
     left join lateral (
       select a.attempt, r.status from outbox_attempts a left join outbox_results r on r.attempt_id = a.id
       where a.event_id = e.id order by a.attempt desc limit 1
     ) la on true
     where e.agency_id = ?
     group by 1`,
    [agencyId],
  );
  return {
    url: endpoint?.url ?? null,
    updatedAt: endpoint ? new Date(endpoint.created_at).toISOString() : null,
    events: Object.fromEntries(counts.rows.map((r: { state: string; n: number }) => [r.state, r.n])),
  };
}
