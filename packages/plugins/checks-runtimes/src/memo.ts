import type { ProbeContext, ProbeOutput } from '@fipsyard/plugin-api';

const cache = new WeakMap<ProbeContext, Map<string, Promise<ProbeOutput>>>();

/** Runs a probe once per container even when several checks read its answer. */
export function execOnce(probe: ProbeContext, argv: string[]): Promise<ProbeOutput> {
  let m = cache.get(probe);
  if (!m) cache.set(probe, (m = new Map()));
  const key = JSON.stringify(argv);
  let p = m.get(key);
  if (!p) m.set(key, (p = probe.exec(argv, { timeoutMs: 60_000 })));
  return p;
}

/** The last line of stdout parsed as JSON, or undefined. */
export function jsonLine<T>(out: ProbeOutput): T | undefined {
  const line = out.stdout.trim().split(/\r?\n/).pop();
  if (!line) return undefined;
  try {
    return JSON.parse(line) as T;
  } catch {
    return undefined;
  }
}
