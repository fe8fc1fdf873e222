import type { ProbeContext } from '@fipsyard/plugin-api';

export interface OpensslDirs {
  openssldir: string;
  modulesdir: string;
}

/** OPENSSLDIR and MODULESDIR from `openssl version -d -m`. */
export function parseVersionDirs(stdout: string): OpensslDirs | undefined {
  const d = /OPENSSLDIR:\s*"([^"]*)"/.exec(stdout)?.[1];
  const m = /MODULESDIR:\s*"([^"]*)"/.exec(stdout)?.[1];
  return d && m ? { openssldir: d, modulesdir: m } : undefined;
}

/** The `.include` of the openssl config that brings in the FIPS module config, if any. */
export function fipsModuleInclude(opensslCnf: string, openssldir: string): string | undefined {
  for (const line of opensslCnf.split(/\r?\n/)) {
    const m = /^\s*\.include\s*=?\s*(\S+)/.exec(line);
    if (m && /fips/i.test(m[1]!)) return m[1]!.startsWith('/') ? m[1]! : `${openssldir}/${m[1]!}`;
  }
  return undefined;
}

/** A copy of the module config with its integrity MAC damaged: FIPS must then refuse to load. */
export function corruptModuleMac(moduleCnf: string): string | undefined {
  const m = /^(\s*module-mac\s*=\s*)([0-9A-Fa-f]{2})/m.exec(moduleCnf);
  if (!m) return undefined;
  const flipped = (parseInt(m[2]!, 16) ^ 0xff).toString(16).toUpperCase().padStart(2, '0');
  return moduleCnf.replace(m[0], `${m[1]}${flipped}`);
}

/** Where the config in force lives: OPENSSL_CONF from the image, or OPENSSLDIR/openssl.cnf. */
export function configPath(probe: ProbeContext, dirs: OpensslDirs): string {
  return probe.image.env['OPENSSL_CONF'] || `${dirs.openssldir}/openssl.cnf`;
}
