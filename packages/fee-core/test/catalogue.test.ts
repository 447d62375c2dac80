// The catalogue a unit applies on a date: what `GET /v1/procedures` serves.
import { describe, expect, it } from 'vitest';
import {
  AssessmentError,
  administrativeUnit,
  catalogue,
  DEMO_UNIT,
  demoSchedules,
  proceduresByCode,
  schedulesFor,
} from '../src/index.js';

const laiChau = schedulesFor(administrativeUnit({ province: 'lai-chau' }));

describe('catalogue', () => {
  it('lists quantities with Vietnamese labels and the formula in Vietnamese', () => {
    const [entry] = catalogue(laiChau, '2026-12-04', { q: 'chứng thực bản sao' });
    expect(entry).toMatchObject({
      id: 'chung-thuc-ban-sao',
      kind: 'phi',
      rate: 'set',
      setBy: 'Bộ Tài chính',
      confidence: 'primary',
      example: false,
      collector: 'UBND cấp xã',
      formula:
        'trang 1–2: 2.000 ₫/trang; từ trang thứ 3: 1.000 ₫/trang; tối đa 200.000 ₫/bản; tính cho mỗi bản',
    });
    expect(entry!.quantities).toEqual([
      { name: 'pages', title: 'Số trang của bản chính', label: 'trang', min: 1 },
      { name: 'copies', title: 'Số bản sao', label: 'bản', min: 1 },
    ]);
    expect(entry!.basis).toMatchObject({ document: 'Thông tư 226/2016/TT-BTC', article: 'Điều 4 mục 1' });
  });

  it('a council-set procedure with no rate says who must set it, and keeps the law’s exemptions', () => {
    const [entry] = catalogue(laiChau, '2026-12-04', { q: 'khai sinh qua han' });
    expect(entry).toMatchObject({
      id: 'dang-ky-khai-sinh-qua-han',
      rate: 'not-set',
      setBy: 'HĐND tỉnh Lai Châu',
      confidence: null,
    });
    expect(entry!.formula).toContain('HĐND tỉnh Lai Châu');
    const d11 = entry!.preferences.find((p) => p.rule === 'luat-ho-tich-d11-k1a');
    expect(d11).toBeDefined();
    expect(d11!.categories.map((c) => c.id).sort()).toEqual([
      'gia-dinh-co-cong',
      'ho-ngheo',
      'nguoi-co-cong',
      'nguoi-khuyet-tat',
    ]);
    expect(d11!.wording).toContain(
      'người thuộc gia đình có công với cách mạng; người thuộc hộ nghèo; người khuyết tật',
    );
    expect(d11!.effect).toBe('Miễn (0 ₫)');
    expect(d11!.categories.find((c) => c.id === 'ho-ngheo')!.label).toMatch(/hộ nghèo/i);
  });

  it('search works with or without diacritics, and by national code', () => {
    const a = catalogue(laiChau, '2026-12-04', { q: 'thường trú' }).map((e) => e.id);
    const b = catalogue(laiChau, '2026-12-04', { q: 'THUONG TRU' }).map((e) => e.id);
    expect(a).toEqual(['dang-ky-thuong-tru']);
    expect(b).toEqual(a);
    const byCode = catalogue(laiChau, '2026-12-04', { code: '1.004222' });
    expect(byCode.map((e) => e.id)).toEqual(['dang-ky-thuong-tru']);
    expect(proceduresByCode(laiChau, '1.004222')).toEqual(['dang-ky-thuong-tru']);
    expect(catalogue(laiChau, '2026-12-04', { code: '9.999999' })).toEqual([]);
  });

  it('the demo unit’s catalogue is marked as an example where the example province prices it', () => {
    expect(demoSchedules.unit).toBe(DEMO_UNIT);
    const [entry] = catalogue(demoSchedules, '2026-01-15', { q: 'khai sinh qua han' });
    expect(entry).toMatchObject({ rate: 'set', example: true, schedule: 'vi-du-tinh-mau' });
  });

  it('refuses a malformed date', () => {
    expect(() => catalogue(laiChau, '2026-13-01')).toThrow(AssessmentError);
  });
});
