// Small formatting helpers shared by the front-end bundles.

/** A size for people: "512 B", "1.5 KB", "12 MB", "1.2 GB" (binary multiples, one decimal below 10). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) {
    return '';
  }
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) {
    return `${bytes} B`;
  }
  const shown = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  // 1023.6 KB rounds to 1024 KB: say 1 MB instead.
  if (shown >= 1024 && unit < units.length - 1) {
    return `1 ${units[unit + 1]}`;
  }
  return `${shown} ${units[unit]}`;
}
