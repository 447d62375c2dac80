#!/usr/bin/env node
/**
 * Writes a README's code example to a file that can be type-checked and run, so CI proves the README's
 * example works as written:
 *
 *   node .ci/readme-example.mjs README.md OUT_DIR [--section "Heading"] [--block N]
 *
 * Picks the N-th (default 1st) ```ts or ```js block, after the heading named by --section if given. Lines
 * that state a value, `expr; // 5000` or `console.log(expr); // 'Năm nghìn đồng'` (a number, a quoted
 * string, true or false), become checks that fail the run when the value differs; comments that only
 * sketch a value (objects, `…`) are left as they are. Prints the path written (OUT_DIR/<name>.mts|.mjs).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

const [readme, outDir, ...rest] = process.argv.slice(2);
if (!readme || !outDir) {
  console.error('usage: readme-example.mjs README.md OUT_DIR [--section "Heading"] [--block N]');
  process.exit(2);
}
const option = (name) => {
  const i = rest.indexOf(name);
  return i >= 0 ? rest[i + 1] : undefined;
};
const section = option('--section');
const nth = Number(option('--block') ?? 1);

let text = readFileSync(readme, 'utf8');
if (section) {
  const at = text.search(new RegExp(`^#+ ${section.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`, 'm'));
  if (at < 0) throw new Error(`${readme}: no heading "${section}"`);
  text = text.slice(at);
}
const blocks = [...text.matchAll(/^```(ts|js)\n([\s\S]*?)^```/gm)];
const block = blocks[nth - 1];
if (!block) throw new Error(`${readme}: no ts/js block #${nth}${section ? ` after "${section}"` : ''}`);
const [, lang, code] = block;

const VALUE = /^(\s*)(?:console\.log\((.+)\)|(.+?));\s*\/\/\s*(-?\d+|'[^'…]*'|true|false)\s*$/;
let checks = 0;
const lines = code.split('\n').map((line, i) => {
  const m = VALUE.exec(line);
  if (!m || line.trimStart().startsWith('//')) return line;
  const [, indent, logged, expr, expected] = m;
  checks++;
  return `${indent}__check(${logged ?? expr}, ${expected}, ${JSON.stringify(`line ${i + 1}: ${line.trim()}`)});`;
});
const typed = lang === 'ts';
const check = `
function __check(actual${typed ? ': unknown' : ''}, expected${typed ? ': unknown' : ''}, where${typed ? ': string' : ''}) {
  if (actual !== expected) throw new Error(\`README example, \${where}: got \${JSON.stringify(actual)}\`);
}
`;
const name = `${basename(dirname(resolve(readme)))}-${section ? section.toLowerCase().replace(/\W+/g, '-') : 'readme'}-${nth}`;
mkdirSync(outDir, { recursive: true });
const out = join(outDir, `${name}.${typed ? 'mts' : 'mjs'}`);
writeFileSync(out, `${lines.join('\n')}\n${checks > 0 ? check : ''}`);
console.log(out);
console.error(`${readme}: block #${nth} (${lang}), ${checks} value check(s) → ${out}`);
