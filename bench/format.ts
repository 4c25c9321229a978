import type { Summary } from './stats.js';

/** `1234.5` → `1 235`; small numbers keep `digits` decimals. */
export function num(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return '—';
  const fixed = value.toFixed(digits);
  const [whole = '', fraction] = fixed.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** `median (min–max)`. */
export function spread(summary: Summary, digits = 2): string {
  return `${num(summary.median, digits)} (${num(summary.min, digits)}–${num(summary.max, digits)})`;
}

export function bytes(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (Math.abs(value) >= 1024 * 1024) return `${(value / 1024 / 1024).toFixed(2)} MiB`;
  if (Math.abs(value) >= 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${Math.round(value)} B`;
}

/** `median (p10–p90)`, for samples with many rounds where min and max are outliers. */
export function band(summary: Summary, digits = 2): string {
  return `${num(summary.median, digits)} (${num(summary.p10, digits)}–${num(summary.p90, digits)})`;
}
