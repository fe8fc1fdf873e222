import type { CheckDefinition, CheckSuite, ProbeContext } from '@fipsyard/plugin-api';

/** The checks a suite expands to for this probe, by id. */
export async function checksOf(suite: CheckSuite, probe: ProbeContext, options: Record<string, unknown> = {}): Promise<Map<string, CheckDefinition>> {
  return new Map((await suite.expand(probe, options)).map((c) => [c.id, c]));
}

/** Runs one check of a suite against the probe it expanded with. */
export async function runCheck(suite: CheckSuite, id: string, probe: ProbeContext, options: Record<string, unknown> = {}) {
  const def = (await checksOf(suite, probe, options)).get(id);
  if (!def) throw new Error(`${suite.name} gave no check ${id} for this probe`);
  return def.run(probe);
}
