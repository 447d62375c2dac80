/**
 * ASCII slug of a Vietnamese name: `Thái Nguyên` → `thai-nguyen`, `Đà Nẵng` → `da-nang`.
 *
 * Diacritics are removed by Unicode decomposition; `đ`/`Đ` do not decompose, so they are mapped by hand.
 *
 * @example
 * slugify('Lai Châu') // 'lai-chau'
 * @public
 */
export function slugify(name: string): string {
  return foldDiacritics(name)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * The same text without Vietnamese diacritics, case kept: `Đăng ký khai sinh` → `Dang ky khai sinh`.
 * Used to search names typed with or without diacritics.
 *
 * @example
 * foldDiacritics('Lệ phí hộ tịch') // 'Le phi ho tich'
 * @public
 */
export function foldDiacritics(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');
}
