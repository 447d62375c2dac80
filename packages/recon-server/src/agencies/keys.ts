/** @module API keys and secrets: generation and the one-way hash we store. */
import { createHash, randomBytes } from 'node:crypto';

/** A new API key; `tp_` marks it as ours so secret scanners and log redaction can spot it. */
export function generateApiKey(): string {
  return `tp_${randomBytes(24).toString('base64url')}`;
}

/** A new callback signing secret. */
export function generateSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}

/** What the database keeps of an API key. Keys carry 192 random bits, so a plain SHA-256 suffices. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
