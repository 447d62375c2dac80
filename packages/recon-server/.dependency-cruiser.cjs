/**
 * The layers of recon-server/src, and the check that keeps them pointing down (`pnpm lint` runs it:
 * `depcruise src`). This list is the one place the order is written; src/README.md explains it.
 *
 * A module may import from its own folder and from any layer below its own, never from a layer above,
 * and (below the entry points) never from another folder of its own layer: two features talk through
 * what they share below them, not to each other. Type-only imports count. No import cycles anywhere.
 * A new folder must be added to a layer here, or the check fails on its first import.
 */

/** Top to bottom. Each layer lists its folders under src/ (`.` is a file directly in src/). */
const layers = [
  // Entry points: the HTTP app (routes, pages, OpenAPI, middleware), the CLI, the nightly job, and the
  // process itself (main, server, index, config, logger). They may import one another.
  { name: 'entry points', folders: ['http', 'cli', 'jobs', '.'], mayImportSiblings: true },
  // Use cases: each opens its transaction and hands it down.
  {
    name: 'features',
    folders: ['receipts', 'cash', 'statements', 'reconciliation', 'callbacks', 'exceptions', 'fees'],
  },
  // Which receipt or deposit batch a credit pays, and allocating it.
  { name: 'matching', folders: ['matching'] },
  // The money rows and what they add up to: credits, positions, receipt numbers, custody, audit.
  { name: 'ledger', folders: ['ledger'] },
  // The tenant (agencies, accounts, keys, provider settings, its unit on the map and its fee schedules) and the
  // outbox with its delivery.
  { name: 'agencies and events', folders: ['agencies', 'events'] },
  { name: 'db', folders: ['db'] },
  // Errors, Vietnam time, signing, HTML escaping, input rules, the clock.
  { name: 'shared', folders: ['shared'] },
];

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The path regex of a folder; `.` is the files directly in src/. */
const pathOf = (folder) => (folder === '.' ? '^src/[^/]+$' : `^src/${escapeRegExp(folder)}/`);
const anyOf = (folders) => folders.map(pathOf).join('|');

const forbidden = [
  {
    name: 'no-circular',
    comment: 'An import cycle: split out what both sides need, below both.',
    severity: 'error',
    from: {},
    to: { circular: true },
  },
  {
    name: 'unlayered-module',
    comment: 'Every folder under src/ belongs to a layer: add it to .dependency-cruiser.cjs.',
    severity: 'error',
    from: { path: '^src/', pathNot: anyOf(layers.flatMap((l) => l.folders)) },
    to: {},
  },
  {
    name: 'unlayered-import',
    comment: 'Every folder under src/ belongs to a layer: add it to .dependency-cruiser.cjs.',
    severity: 'error',
    from: {},
    to: { path: '^src/', pathNot: anyOf(layers.flatMap((l) => l.folders)) },
  },
];

layers.forEach((layer, rank) => {
  const above = layers.slice(0, rank).flatMap((l) => l.folders);
  for (const folder of layer.folders) {
    const siblings = layer.mayImportSiblings ? [] : layer.folders.filter((f) => f !== folder);
    const banned = [...above, ...siblings];
    if (banned.length === 0) continue;
    forbidden.push({
      name: `layers-point-down:${folder === '.' ? 'src' : folder}`,
      comment: `${layer.name}/${folder} may import only its own folder and the layers below ${layer.name}.`,
      severity: 'error',
      from: { path: pathOf(folder) },
      to: { path: anyOf(banned) },
    });
  }
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden,
  options: {
    // Only src/ is checked: npm packages and the workspace packages beside this one are leaves.
    doNotFollow: { path: ['node_modules', '^\\.\\./'] },
    // `import type` is a dependency on the layer too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
