/**
 * @module The resolver: the layers available → the schedule set of one administrative unit.
 *
 * national → the province layers in force on the unit's territory → the agency's own layers. On the territory of
 * a former province, that province's HĐND resolutions stay in force until a resolution of the merged province
 * replaces them (NQ 190/2025/QH15 — that reading rests on a secondary source, see fee-law-2026.md §1): a merged
 * province's layer replaces them for the procedures it prices from the date its `covers` gives, and altogether
 * with `replacesAll`. The example province is never placed on a real unit, and serves the demo unit alone.
 */
import type { AdministrativeUnit } from '../map/types.js';
import {
  buildSet,
  type ExcludedLayer,
  type LayerWindow,
  type PlacedLayer,
  type ScheduleSet,
} from './merge.js';
import type { Schedule } from './schema.js';

function dayBefore(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/**
 * Resolves the schedule set of an administrative unit from the layers available (any order; national, province
 * and agency layers of anywhere — those not in force on the unit's territory are left out and listed in
 * `excluded` with the reason). The set holds, per layer, the window in which it is in force on that territory,
 * so one set prices every date correctly: a former province's layer stops where it is replaced, a merged
 * province's layer starts where it covers.
 *
 * @param available - national, province and agency layers (agency layers: pass only the agency's own)
 * @param unit - from `administrativeUnit()` (or `DEMO_UNIT`)
 * @example
 * const unit = administrativeUnit({ province: 'lai-chau' });
 * const set = resolveSchedules(shippedLayers, unit);
 * assess(set, { date: '2026-12-04', items: [{ procedure: 'dang-ky-khai-sinh-qua-han' }] });
 * // throws AssessmentError RATE_NOT_SET: "… do HĐND tỉnh Lai Châu quy định …"
 * @public
 */
export function resolveSchedules(available: readonly Schedule[], unit: AdministrativeUnit): ScheduleSet {
  const excluded: ExcludedLayer[] = [];
  const national: PlacedLayer[] = [];
  const former: Schedule[] = [];
  const merged: { schedule: Schedule; window: LayerWindow }[] = [];
  const agency: PlacedLayer[] = [];
  const here = unit.formerProvince.slug;

  for (const s of available) {
    if (s.level === 'national') {
      if (s.example && !unit.example) excluded.push({ schedule: s.id, reason: 'biểu phí ví dụ' });
      else national.push({ schedule: s });
      continue;
    }
    if (s.level === 'agency') {
      if (s.example && !unit.example) excluded.push({ schedule: s.id, reason: 'biểu phí ví dụ' });
      else agency.push({ schedule: s });
      continue;
    }
    if (unit.example) {
      if (s.example) merged.push({ schedule: s, window: { from: null, to: null } });
      else excluded.push({ schedule: s.id, reason: 'đơn vị mẫu chỉ dùng biểu phí ví dụ' });
      continue;
    }
    if (s.example) {
      excluded.push({
        schedule: s.id,
        reason: 'biểu phí ví dụ chỉ dùng cho đơn vị mẫu, không cho đơn vị thật',
      });
      continue;
    }
    const t = s.territory;
    if (t === undefined || t.province !== unit.province.slug) {
      excluded.push({ schedule: s.id, reason: `không thuộc ${unit.province.fullName}` });
      continue;
    }
    if (t.formerProvince !== undefined) {
      if (t.formerProvince === here) former.push(s);
      else
        excluded.push({ schedule: s.id, reason: `chỉ áp dụng trên địa bàn tỉnh cũ "${t.formerProvince}"` });
      continue;
    }
    if (t.covers === undefined) {
      merged.push({ schedule: s, window: { from: null, to: null } });
      continue;
    }
    const cover = t.covers.find((c) => c.formerProvince === here);
    if (cover === undefined) {
      excluded.push({
        schedule: s.id,
        reason: `không áp dụng trên địa bàn ${unit.formerProvince.fullName} cũ`,
      });
    } else {
      merged.push({ schedule: s, window: { from: cover.from, to: null } });
    }
  }

  // A former province's layer ends the day before the first merged layer that replaces it altogether.
  let end: string | null = null;
  for (const { schedule } of merged) {
    const cover = schedule.territory?.covers?.find((c) => c.formerProvince === here && c.replacesAll);
    if (cover !== undefined && (end === null || cover.from < end)) end = cover.from;
  }
  const formerIds = former.map((s) => s.id);
  const placed: PlacedLayer[] = [
    ...national,
    ...former.map((schedule) => ({
      schedule,
      window: { from: null, to: end === null ? null : dayBefore(end) },
    })),
    ...merged.map(({ schedule, window }) => ({ schedule, window, supersedes: formerIds })),
    ...agency,
  ];
  return buildSet(placed, { unit, excluded });
}

/**
 * The layers of a set in force on `date` on its territory, most general first (for display: which texts price
 * this agency today).
 *
 * @example
 * layersInForce(set, '2026-12-04').map((s) => s.name)
 * @public
 */
export function layersInForce(set: ScheduleSet, date: string): readonly Schedule[] {
  return set.layers.filter((s) => {
    const w = set.windows.get(s.id);
    return w === undefined || ((w.from === null || w.from <= date) && (w.to === null || date <= w.to));
  });
}
