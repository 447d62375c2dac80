/** @module The time source, injected so tests and replays are deterministic. */

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock that stays where it is put; tests move it explicitly.
 *
 * @example
 * const clock = fixedClock('2026-11-23T03:00:00Z');
 * clock.set('2026-11-23T04:00:00Z');
 */
export function fixedClock(at: string | Date): Clock & { set(at: string | Date): void } {
  let current = new Date(at);
  return {
    now: () => new Date(current),
    set(next) {
      current = new Date(next);
    },
  };
}
