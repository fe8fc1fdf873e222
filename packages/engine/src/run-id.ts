import { randomBytes } from 'node:crypto';

/** `r20261203-161530-3fa9c1`: sortable, no ':' (BullMQ job ids), not a plain integer. */
export function newRunId(now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `r${stamp}-${randomBytes(3).toString('hex')}`;
}
