import { evidenceOf, metadataVerdict, unrunnable, type CheckDefinition, type ProbeContext } from '@fipsyard/plugin-api';
import { runtimeSuite } from './runtime-suite.js';

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const MAX_BINARY = 128 * 1024 * 1024;
const SEARCH_DIRS = ['/usr/local/bin', '/usr/local/go/bin', '/go/bin', '/app', '/'];

export interface GoBuildInfo {
  goVersion: string;
  gofips140?: string;
  defaultGodebug?: string;
}

/** Reads the build settings a Go binary carries (what `go version -m` prints), or undefined if it is not Go. */
export function parseGoBuildInfo(bin: Buffer): GoBuildInfo | undefined {
  if (bin.indexOf(MAGIC) < 0) return undefined;
  const text = bin.toString('latin1');
  const setting = (key: string) => new RegExp(`(?:^|\\n)build\\t${key}=([^\\n]*)`).exec(text)?.[1];
  const goVersion = /\bgo1\.\d+(?:\.\d+)?(?:[a-z0-9]*)?/.exec(text)?.[0] ?? 'unknown';
  const info: GoBuildInfo = { goVersion };
  const f = setting('GOFIPS140');
  const g = setting('DefaultGODEBUG');
  if (f !== undefined) info.gofips140 = f;
  if (g !== undefined) info.defaultGodebug = g;
  return info;
}

export type GoVerdict = { status: 'pass' | 'warn' | 'fail'; why: string };

export function judgeGoBinary(info: GoBuildInfo): GoVerdict {
  const fipsDebug = /(?:^|,)fips140=(on|only)(?:,|$)/.exec(info.defaultGodebug ?? '')?.[1];
  if (info.gofips140 && /^v\d+\.\d+\.\d+$/.test(info.gofips140)) return { status: 'pass', why: `GOFIPS140=${info.gofips140} (the frozen Go Cryptographic Module)${fipsDebug ? `, fips140=${fipsDebug}` : ''}` };
  if (info.gofips140 === 'latest' || fipsDebug) return { status: 'warn', why: `FIPS mode ${fipsDebug ? `fips140=${fipsDebug}` : 'on'} but GOFIPS140=${info.gofips140 ?? 'unset'}: Go's latest crypto, not the frozen module snapshot` };
  return { status: 'fail', why: `built without GOFIPS140 and without fips140=on: Go's own standard crypto, openssl.cnf is ignored (${info.goVersion})` };
}

/** Go binaries to inspect: the suite's `paths` option, else executables found in the usual places. */
async function candidates(probe: ProbeContext, options: Record<string, unknown>): Promise<string[]> {
  const paths = namedPaths(options);
  if (paths.length) return paths;
  const out = await probe.exec(['find', ...SEARCH_DIRS, '-maxdepth', '1', '-type', 'f', '-perm', '-u+x', '-size', '+512k']);
  if (out.exitCode === null || out.stdout === '') return [];
  return out.stdout.split('\n').filter((l) => l.startsWith('/')).slice(0, 40);
}

function namedPaths(options: Record<string, unknown>): string[] {
  return Array.isArray(options['paths']) ? (options['paths'] as unknown[]).filter((p): p is string => typeof p === 'string') : [];
}

async function goBinaries(probe: ProbeContext, options: Record<string, unknown>): Promise<{ path: string; info: GoBuildInfo }[]> {
  const found: { path: string; info: GoBuildInfo }[] = [];
  for (const p of await candidates(probe, options)) {
    const bytes = await probe.readFile(p, MAX_BINARY);
    const info = bytes && parseGoBuildInfo(bytes);
    if (info) found.push({ path: p, info });
  }
  return found;
}

/** Paths the pipeline named that are missing or not Go programs: a typo must not pass quietly. */
async function badNamedPaths(probe: ProbeContext, options: Record<string, unknown>, found: { path: string }[]): Promise<string[]> {
  const bad: string[] = [];
  for (const p of namedPaths(options)) {
    if (found.some((f) => f.path === p)) continue;
    bad.push((await probe.stat(p)) ? `${p} is not a Go program` : `${p} does not exist`);
  }
  return bad;
}

function checks(_bin: string, options: Record<string, unknown>): CheckDefinition[] {
  return [
    {
      id: 'go-binaries-fips140',
      title: 'Go binaries are built with GOFIPS140 (the Go Cryptographic Module)',
      controls: ['NIST 800-53 SC-13'],
      rationale: 'Go programs use Go\'s own crypto and ignore openssl.cnf; only a build with GOFIPS140 (Go >= 1.24) uses the Go Cryptographic Module in FIPS mode.',
      async run(probe) {
        const bins = await goBinaries(probe, options);
        const bad = await badNamedPaths(probe, options, bins);
        if (bad.length) return metadataVerdict('fail', `named in paths: ${bad.join('; ')}`, bins.map((b) => b.path).join('\n'));
        if (bins.length === 0) return { ...metadataVerdict('skip', 'no Go binaries found (name them with the suite option paths: [...])'), severity: 'information' };
        const judged = bins.map((b) => ({ ...b, v: judgeGoBinary(b.info) }));
        const stdout = judged.map((b) => `${b.path}: ${b.info.goVersion} GOFIPS140=${b.info.gofips140 ?? ''} DefaultGODEBUG=${b.info.defaultGodebug ?? ''}`).join('\n');
        const worst = judged.find((b) => b.v.status === 'fail') ?? judged.find((b) => b.v.status === 'warn') ?? judged[0]!;
        return { ...metadataVerdict(worst.v.status, judged.map((b) => `${b.path}: ${b.v.why}`).join('; '), stdout), command: ['read', ...bins.map((b) => b.path)] };
      },
    },
    {
      id: 'go-toolchain-fips140',
      title: 'The Go toolchain builds FIPS binaries by default (GOFIPS140)',
      async run(probe) {
        const go = await probe.which('go');
        if (!go) return { ...metadataVerdict('skip', 'no Go toolchain in the image'), severity: 'information' };
        const out = await probe.exec([go, 'env', 'GOFIPS140', 'GOVERSION']);
        const bad = unrunnable(out, 'go', 'fail');
        if (bad) return bad;
        // One line per variable; GOFIPS140 is an empty line before Go 1.24, so do not trim first.
        const [fips, version] = out.stdout.split('\n').map((l) => l.trim());
        if (fips && /^v\d+\.\d+\.\d+$/.test(fips)) return { ...evidenceOf(out), status: 'pass', reason: `${version}: GOFIPS140=${fips}` };
        return { ...evidenceOf(out), status: 'fail', reason: `${version ?? 'go'}: GOFIPS140=${fips || 'off'}: programs built here use Go's standard crypto; set ENV GOFIPS140=v1.0.0` };
      },
    },
  ];
}

export const goSuite = runtimeSuite({
  name: 'go',
  description: 'Go: binaries built with GOFIPS140 (found on the paths the suite names, or the usual places), and a toolchain that builds them by default',
  binaries: ['go'],
  checks,
  detect: async (probe, options) => (await goBinaries(probe, options)).length > 0,
});
