import { defineSuite, metadataVerdict, type CheckDefinition, type CheckSuite, type ProbeContext } from '@fipsyard/plugin-api';

export interface RuntimeSuiteSpec {
  name: string;
  description: string;
  /** Binaries whose presence on the image's PATH means the runtime is there. */
  binaries: string[];
  checks: (binary: string, options: Record<string, unknown>) => CheckDefinition[];
  /** Extra detection when no binary is on PATH (e.g. Go programs). */
  detect?: (probe: ProbeContext, options: Record<string, unknown>) => Promise<boolean>;
}

/** The first of `names` on the image's PATH. */
export async function findBinary(probe: ProbeContext, names: readonly string[]): Promise<string | undefined> {
  for (const n of names) {
    const p = await probe.which(n);
    if (p) return p;
  }
  return undefined;
}

/** A runtime's checks, applied only when the runtime is in the image (otherwise one information skip). */
export function runtimeSuite(spec: RuntimeSuiteSpec): CheckSuite & { present(probe: ProbeContext, options: Record<string, unknown>): Promise<string | undefined> } {
  const ids = spec.checks('x', {}).map((c) => c.id);
  const absent: CheckDefinition = {
    id: `${spec.name}-present`,
    title: `${spec.name} is in the image`,
    severity: 'information',
    run: async () => metadataVerdict('skip', `${spec.binaries.join(' / ')} not found on the image's PATH: the ${spec.name} checks do not apply`),
  };
  const present = async (probe: ProbeContext, options: Record<string, unknown>) => (await findBinary(probe, spec.binaries)) ?? ((await spec.detect?.(probe, options)) ? spec.binaries[0]! : undefined);
  return {
    ...defineSuite({
      name: spec.name,
      description: spec.description,
      checkIds: [...ids, absent.id],
      async expand(probe, options) {
        const bin = await present(probe, options);
        return bin ? spec.checks(bin, options) : [absent];
      },
    }),
    present,
  };
}
