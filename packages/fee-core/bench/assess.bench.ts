// Rough cost of one assessment and of scanning a bank memo (run: npx vitest bench --run packages/fee-core/bench
// from the repo root). Not part of CI; it guards against accidental quadratic work.
import { bench, describe } from 'vitest';
import {
  type AssessmentRequest,
  assess,
  defaultSchedules,
  findReferences,
  generateReference,
} from '../src/index.js';

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
    assess(defaultSchedules, dossier);
  });
  bench('findReferences: Vietcombank memo', () => {
    findReferences(memo);
  });
});
