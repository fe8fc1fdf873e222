import modules from './modules.json' with { type: 'json' };

export interface KnownModule {
  name: string;
  versions: string[];
  standard: 'FIPS 140-2' | 'FIPS 140-3';
  status: 'validated' | 'historical' | 'in-review';
  certificate?: string;
  until?: string;
  since?: string;
  note?: string;
}

export interface ModuleTable {
  checked: string;
  source: string;
  modules: KnownModule[];
}

/** The table of known modules, kept as data in modules.json next to this file. */
export function loadModuleTable(): ModuleTable {
  return modules as ModuleTable;
}

export type ModuleStatus =
  | { kind: 'validated'; module: KnownModule }
  | { kind: 'historical'; module: KnownModule }
  | { kind: 'in-review'; module: KnownModule }
  | { kind: 'not-validated' };

export function classify(table: ModuleTable, name: string, version: string): ModuleStatus {
  const m = table.modules.find((k) => k.name.toLowerCase() === name.toLowerCase() && k.versions.includes(version));
  if (!m) return { kind: 'not-validated' };
  return { kind: m.status, module: m } as ModuleStatus;
}

/** A sentence for the report, with certificate and dates. */
export function describeStatus(name: string, version: string, s: ModuleStatus, table: ModuleTable): string {
  const src = `(source: ${table.source}, checked ${table.checked})`;
  switch (s.kind) {
    case 'validated':
      return `${name} ${version}: ${s.module.standard} validated, certificate #${s.module.certificate}${s.module.until ? `, active until ${s.module.until}` : ''} ${src}`;
    case 'historical':
      return `${name} ${version}: ${s.module.standard} only${s.module.certificate ? `, certificate #${s.module.certificate}` : ''}, historical since ${s.module.since ?? '2026-09-21'}: keeps working, but new systems are expected to use a 140-3 module ${src}`;
    case 'in-review':
      return `${name} ${version}: ${s.module.standard} in review, not yet validated ${src}`;
    case 'not-validated':
      return `${name} ${version}: not a validated module, FIPS behaviour only (approved algorithms, self-tests) without CMVP validation ${src}`;
    default: {
      const never: never = s;
      return String(never);
    }
  }
}
