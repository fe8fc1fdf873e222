import type { CheckResult, WaiverSpec } from '@fipsyard/core';

/**
 * Applies an image's waivers to its results, and the rule that a derived image may skip or fail
 * an inherited check only with a waiver. An expired waiver fails, whatever the check did.
 */
export function applyWaivers(image: string, results: CheckResult[], waivers: readonly WaiverSpec[], today: string): CheckResult[] {
  const out = results.map((r): CheckResult => {
    const waiver = waivers.find((w) => w.check === r.id);
    const required = r.severity !== 'information';
    if (waiver && waiver.expires < today) {
      return { ...r, status: 'fail', reason: `waiver expired on ${waiver.expires} (${waiver.reason}); the check said: ${r.status}${r.reason ? ` - ${r.reason}` : ''}` };
    }
    if (waiver && (r.status === 'fail' || r.status === 'skip')) return { ...r, waived: { reason: waiver.reason, expires: waiver.expires } };
    if (required && r.status === 'skip' && r.origin !== undefined && r.origin !== image) {
      return { ...r, status: 'fail', reason: `inherited from ${r.origin} and skipped here (${r.reason ?? 'no reason'}); a derived image may skip an inherited check only with a waiver` };
    }
    return r;
  });
  // A waiver that matches no result is stale: say so rather than let it linger unnoticed.
  for (const w of waivers) {
    if (!results.some((r) => r.id === w.check)) {
      out.push({ id: `waiver-${w.check}`, title: `Waiver for ${w.check}`, suite: 'waivers', status: w.expires < today ? 'fail' : 'warn', reason: `waiver for "${w.check}" matches no check of this image${w.expires < today ? `, and expired on ${w.expires}` : ''}`, command: [], exitCode: null, stdout: '', stderr: '', durationMs: 0, origin: image });
    }
  }
  return out;
}
