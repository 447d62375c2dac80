// Rough cost of one assessment, of resolving and hashing a unit's schedules, of a catalogue search, and of scanning a bank memo (run: npx vitest bench --run packages/fee-core/bench
// from the repo root). Not part of CI; it guards against accidental quadratic work.
import { bench, describe } from 'vitest';
import {
  type AssessmentRequest,
  administrativeUnit,
  assess,
  catalogue,
  findReferences,
  generateReference,
  resolveSchedules,
  scheduleSetHash,
  schedulesFor,
  shippedSchedules,
} from '../src/index.js';

const unit = administrativeUnit({ province: 'lao-cai', commune: '04465' });
const set = schedulesFor(unit);

const dossier: AssessmentRequest = {
  date: '2026-09-01',
  channel: 'online',
  applicant: { categories: ['cong-dan-so', 'sinh-vien'] },
  items: [
    { procedure: 'chung-thuc-ban-sao', quantities: { pages: 12, copies: 3 } },
    { procedure: 'ly-lich-tu-phap', quantities: { certificates: 4 } },
    { procedure: 'dang-ky-thuong-tru' },
    { procedure: 'can-cuoc-cap-doi' },
    { procedure: 'trich-luc-ho-tich', quantities: { copies: 2 } },
  ],
};
const memo = `MBVCB.6998628625.${generateReference().toLowerCase()}.CT tu 0071001104341 PHAN NGUYEN DUC toi 0011001932418`;

describe('fee-core', () => {
  bench('assess: 5-item dossier', () => {
    assess(set, dossier);
  });
  bench('resolveSchedules: a commune of a merged province', () => {
    resolveSchedules(shippedSchedules, unit);
  });
  bench('scheduleSetHash: the shipped national layer', () => {
    scheduleSetHash(set);
  });
  bench('catalogue: search by name without diacritics', () => {
    catalogue(set, '2026-12-04', { q: 'khai sinh' });
  });
  bench('findReferences: Vietcombank memo', () => {
    findReferences(memo);
  });
});
