/**
 * @module What every edge (HTTP, callbacks, CLI) says the same way about its input: where in it a
 * problem is (`fee.items[0].quantities`), and the NUL character PostgreSQL text cannot hold.
 */

/** `['fee', 'items', 0, 'quantities']` → `fee.items[0].quantities` */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, '');
}

/**
 * Where a parsed JSON value holds a NUL character (in a string or a key): PostgreSQL text cannot
 * store one, so such input is refused at the edge instead of failing in the database. Walks without
 * recursion (a 64 kB body can nest 30 000 levels). `undefined` when there is none.
 *
 * @example
 * findNul({ payer: { name: 'A\u0000' } }); // ['payer', 'name']
 */
export function findNul(value: unknown): PropertyKey[] | undefined {
  // Each entry links to its parent, so the path is built only for a hit (copying it at every level
  // would be quadratic in the depth).
  type Step = { key: PropertyKey; parent: Step | undefined } | undefined;
  const pathOf = (step: Step): PropertyKey[] => {
    const path: PropertyKey[] = [];
    for (let s = step; s; s = s.parent) path.unshift(s.key);
    return path;
  };
  const stack: [unknown, Step][] = [[value, undefined]];
  while (stack.length > 0) {
    const [current, step] = stack.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return pathOf(step);
    } else if (Array.isArray(current)) {
      for (let i = 0; i < current.length; i++) stack.push([current[i], { key: i, parent: step }]);
    } else if (typeof current === 'object' && current !== null) {
      for (const [key, child] of Object.entries(current)) {
        if (key.includes('\u0000')) return pathOf({ key, parent: step });
        stack.push([child, { key, parent: step }]);
      }
    }
  }
  return undefined;
}

/** The problem for a NUL found by {@link findNul}. */
export const NUL_MESSAGE = 'must not contain a NUL character (\\u0000)';
