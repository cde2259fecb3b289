/**
 * `1234567` → `1,234,567`, as `toLocaleString('en-US')` writes it. Written out because the
 * first toLocaleString of a process loads the ICU locale data: 35–90 ms, more than a whole
 * single-repository run spends on its own work.
 */
export function groupDigits(n: number): string {
  const sign = n < 0 ? '-' : '';
  const digits = String(Math.trunc(Math.abs(n)));
  let out = '';
  for (let end = digits.length; end > 0; end -= 3) out = `${digits.slice(Math.max(0, end - 3), end)}${out === '' ? '' : `,${out}`}`;
  return sign + out;
}
