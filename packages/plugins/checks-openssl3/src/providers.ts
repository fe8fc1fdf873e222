/** One provider block of `openssl list -providers`. */
export interface ProviderInfo {
  id: string;
  name: string;
  version: string;
  status: string;
}

/**
 * Parses `openssl list -providers` output:
 *
 *     Providers:
 *       fips
 *         name: OpenSSL FIPS Provider
 *         version: 3.5.9
 *         status: active
 */
export function parseProviders(stdout: string): ProviderInfo[] {
  const out: ProviderInfo[] = [];
  let cur: ProviderInfo | undefined;
  for (const raw of stdout.split(/\r?\n/)) {
    const m = /^(\s+)(\S.*?)\s*$/.exec(raw);
    if (!m) continue;
    const indent = m[1]!.length;
    const text = m[2]!;
    const kv = /^(name|version|status|buildinfo):\s*(.*)$/.exec(text);
    if (kv && cur && indent > 2) {
      const key = kv[1] as 'name' | 'version' | 'status' | 'buildinfo';
      if (key !== 'buildinfo') cur[key] = kv[2]!;
    } else if (!kv) {
      cur = { id: text, name: '', version: '', status: '' };
      out.push(cur);
    }
  }
  return out;
}

export function isFipsProvider(p: ProviderInfo): boolean {
  return p.id === 'fips' || /\bfips\b/i.test(p.name);
}
