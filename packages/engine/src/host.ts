import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { ContainerRuntime } from '@fipsyard/plugin-api';

/** Facts about where a run happens, recorded with every run: the kernel FIPS flag belongs to the host. */
export async function hostFacts(runtime: ContainerRuntime, signal?: AbortSignal): Promise<Record<string, unknown>> {
  const engine = await runtime.info(signal);
  let fipsEnabled: string | null = null;
  try {
    fipsEnabled = readFileSync('/proc/sys/crypto/fips_enabled', 'utf8').trim();
  } catch {
    fipsEnabled = null;
  }
  return {
    hostname: hostname(),
    kernelFipsEnabled: fipsEnabled,
    kernelFipsNote:
      fipsEnabled === null ? 'this kernel has no /proc/sys/crypto/fips_enabled: no kernel FIPS mode; verdicts that depend on it are host-dependent' : `fips_enabled=${fipsEnabled}`,
    kernelVersion: engine.kernelVersion,
    dockerVersion: engine.serverVersion,
    dockerApiVersion: engine.apiVersion,
    operatingSystem: engine.operatingSystem,
    architecture: engine.architecture,
  };
}
