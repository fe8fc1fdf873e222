/** Redis keys of one run. The `{runId}` hash tag keeps a run's keys in one cluster slot. */
export function runKeys(prefix: string, runId: string) {
  const base = `${prefix}:run:{${runId}}`;
  return {
    run: base,
    status: `${base}:status`,
    remaining: `${base}:remaining`,
    dependents: `${base}:dependents`,
    result: `${base}:result`,
    claim: `${base}:claim`,
    events: `${base}:events`,
    buildLog: `${base}:buildlog`,
  };
}
export type RunKeys = ReturnType<typeof runKeys>;

export function runsIndexKey(prefix: string): string {
  return `${prefix}:runs`;
}
