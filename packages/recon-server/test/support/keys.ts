/** API keys of any role for the demo agency, inserted the way the server stores them (hashed). */
import { randomUUID } from 'node:crypto';
import type { Role } from '../../src/agencies/agencies.js';
import { hashApiKey } from '../../src/agencies/keys.js';
import type { TestApp } from './app.js';

export interface Key {
  id: string;
  auth: { Authorization: string };
}

/** A new API key of `role` for the demo agency. */
export async function addKey(t: TestApp, role: Role, name: string): Promise<Key> {
  const id = randomUUID();
  const key = `tp_test_${name}_${id.slice(0, 8)}`;
  await t.database.db('api_keys').insert({
    id,
    agency_id: 'demo',
    key_hash: hashApiKey(key),
    role,
    created_at: t.clock.now(),
  });
  return { id, auth: { Authorization: `Bearer ${key}` } };
}
