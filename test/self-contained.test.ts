/**
 * The repository carries what its tests, scripts and sources read: no file may point outside the clone
 * (the team's reference folder sits beside it as `../shared`, but another clone has no such neighbour).
 * Fixtures copied in live under `test/fixtures/`, each listed in a SOURCES.md that says where it came from.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Folders that are not the project's own text: installed, built or generated at run time, or data. */
const SKIPPED_DIRS = new Set([
  'node_modules',
  'dist',
  '.git',
  '.thuphi',
  'coverage',
  'artifacts',
  'fixtures',
]);
/** Generated files whose paths are not relative to themselves (the lockfile's links), and this file. */
const SKIPPED_FILES = new Set(['pnpm-lock.yaml', 'test/self-contained.test.ts']);
/** What can read a file: code, package manifests (scripts), configuration and the CI scripts. */
const SCANNED = /\.(?:[cm]?[jt]s|tsx|json|ya?ml|sh)$|^\.ci\/[^/]+$/;

/** Relative paths written in a file: `../` at least once, then whatever path characters follow. */
const RELATIVE = /(?<![\w./-])(?:\.\.\/)+[\w@.\-/]*/g;
/** Paths that can only be another folder of this machine, never the clone. */
const OUTSIDE = /\/work\/|(?<![\w-])shared\/reference\b|\bhomedir\(\)/g;

interface Escape {
  file: string;
  line: number;
  text: string;
}

function* files(root: string, dir = root): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const name = relative(root, path).split(sep).join('/');
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) yield* files(root, path);
    } else if (SCANNED.test(name) && !SKIPPED_FILES.has(name)) {
      yield path;
    }
  }
}

/** Every place under `root` that names a path outside `root`. */
function escapesFrom(root: string): Escape[] {
  const out: Escape[] = [];
  for (const file of files(root)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((text, i) => {
      const hit = (why: string) =>
        out.push({ file: relative(root, file), line: i + 1, text: `${why}: ${text.trim()}` });
      for (const m of text.matchAll(OUTSIDE)) hit(`names ${m[0]}`);
      for (const m of text.matchAll(RELATIVE)) {
        const target = resolve(dirname(file), m[0]);
        if (relative(root, target).startsWith('..')) hit(`${m[0]} leaves the repository`);
      }
    });
  }
  return out;
}

describe('the repository is self-contained', () => {
  test('no test, script, source or manifest reads outside the repository', () => {
    expect(escapesFrom(ROOT)).toEqual([]);
  });

  test('every copied fixture has its origin noted in SOURCES.md', () => {
    const dirs = [
      'packages/qr/test/fixtures',
      'packages/recon-server/test/fixtures',
      'packages/fee-core/test/fixtures',
    ];
    for (const dir of dirs) {
      const notes = readFileSync(join(ROOT, dir, 'SOURCES.md'), 'utf8');
      const listed = (sub: string): string[] =>
        readdirSync(join(ROOT, dir, sub), { withFileTypes: true }).flatMap((e) =>
          e.isDirectory() ? listed(join(sub, e.name)) : [join(sub, e.name).split(sep).join('/')],
        );
      for (const name of listed('').filter((f) => f !== 'SOURCES.md')) {
        expect(notes, `${dir}/${name}`).toContain(`\`${name}\``);
      }
    }
  });

  // The detector itself: it must catch the ways the old tests reached the reference folder.
  const scratch = mkdtempSync(join(tmpdir(), 'thuphi-self-contained-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  test.each([
    ["const f = new URL('../../../../shared/reference/fee-cases.json', import.meta.url);", 'leaves'],
    ["readFileSync('/work/shared/reference/banks.json', 'utf8');", '/work/'],
    ['"gen": "tsx scripts/gen.ts ../../../../elsewhere/banks.json"', 'leaves'],
  ])('flags %s', (line, why) => {
    const repo = join(scratch, `repo-${Math.random().toString(36).slice(2)}`);
    mkdirSync(join(repo, 'packages/a/test'), { recursive: true });
    writeFileSync(join(repo, 'packages/a/test/x.test.ts'), `${line}\n`);
    writeFileSync(
      join(repo, 'packages/a/package.json'),
      `{ "scripts": { "test": "vitest --root ../.." } }\n`,
    );
    writeFileSync(join(repo, 'packages/a/test/ok.ts'), "import { x } from '../src/index.js';\n");
    const found = escapesFrom(repo);
    // The line is caught (perhaps by two rules); the import and `--root ../..`, inside the repository, are not.
    expect(found.length).toBeGreaterThan(0);
    expect(found.some((f) => f.text.includes(why))).toBe(true);
    expect(new Set(found.map((f) => `${f.file}:${f.line}`))).toEqual(
      new Set(['packages/a/test/x.test.ts:1']),
    );
  });
});
