import { readFileSync } from 'node:fs';
import type { EngineInfo } from '@fipsyard/plugin-api';

const ARCH: Record<string, string> = { x86_64: 'amd64', amd64: 'amd64', x64: 'amd64', aarch64: 'arm64', arm64: 'arm64', armv7l: 'arm', arm: 'arm', ppc64le: 'ppc64le', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', ia32: '386', i686: '386' };

export interface HostProbe {
  /** `/proc/sys/crypto/fips_enabled` of the host, or undefined when the kernel has none. */
  fipsEnabled(): string | undefined;
  /** Node's `process.arch` and `process.platform`. */
  arch: string;
  platform: string;
}

export const nodeHost: HostProbe = {
  fipsEnabled: () => {
    try {
      return readFileSync('/proc/sys/crypto/fips_enabled', 'utf8').trim();
    } catch {
      return undefined;
    }
  },
  arch: process.arch,
  platform: process.platform,
};

/**
 * Labels every worker advertises without being told: `arch` (Docker's names: amd64, arm64; from
 * the engine, else this process), `os`, and `fips-host` (the kernel's FIPS mode is on).
 */
export function autoLabels(engine: Pick<EngineInfo, 'architecture'> | undefined, host: HostProbe = nodeHost): Record<string, string> {
  const fromEngine = engine?.architecture ? ARCH[engine.architecture] ?? engine.architecture : undefined;
  return {
    arch: fromEngine ?? ARCH[host.arch] ?? host.arch,
    os: host.platform,
    'fips-host': host.fipsEnabled() === '1' ? 'true' : 'false',
  };
}
