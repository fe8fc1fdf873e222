// `npm run bench`: fipsyard against the plain docker loop a user would write (baseline.sh), both
// measured in this run on this engine for pipelines/examples/many.yaml (a base and 30 apps): cold,
// warm (nothing changed), one app changed. Then the engine's scheduling overhead (scheduling.ts)
// and planning at 1,000 images (planning.ts). Prints ratios with targets and PASS/MISS, writes
// .fipsyard/bench/latest.json, and removes every image and container it created, also on Ctrl-C.
//   node scripts/bench/bench.mjs [--only docker,scheduling,planning] [--warm-repeats N]
// Exit: 0 when every phase ran (a MISS is a figure, not an error), 1 when a run failed, 130 when cancelled.
import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, cpSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const PIPELINE = 'pipelines/examples/many.yaml';
const FY_PREFIX = 'fipsyard-bench';
const BASELINE_PREFIX = 'fipsyard-bench-baseline';
const RUN_LABEL = 'dev.fipsyard.run';
const WORKERS = 2;
const MIN = 60_000;

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
const only = new Set(opt('--only', 'docker,scheduling,planning').split(','));
const warmRepeats = Math.max(1, Number(opt('--warm-repeats', '3')));

const benchId = `bench-${process.pid}-${Date.now().toString(36)}`;
const outDir = path.join(repo, '.fipsyard', 'bench');
const logDir = path.join(outDir, 'logs');
const tmp = mkdtempSync(path.join(tmpdir(), 'fipsyard-bench-'));

const say = (msg) => process.stderr.write(`\x1b[1m[bench]\x1b[0m ${msg}\n`);
const fmtS = (ms) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const fmtMs = (ms) => `${ms.toFixed(1)} ms`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

class Cancelled extends Error {}

// ---------------------------------------------------------------- child processes

/** The timed child running now, so a signal can stop it. */
let current;
let cancelled = false;

/** Runs a command quietly (docker housekeeping), in its own process group so Ctrl-C cannot cut cleanup short. */
function quiet(cmd, argv, { timeoutMs = 2 * MIN } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => { clearTimeout(timer); resolve({ code: -1, stdout, stderr: String(err) }); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? -1, stdout, stderr }); });
  });
}
const docker = (...argv) => quiet('docker', argv);
const lines = (s) => s.split('\n').map((l) => l.trim()).filter(Boolean);

/** The pid of the process /usr/bin/time started (what should get the first SIGINT). */
function childOf(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0]) || undefined;
  } catch {
    return undefined;
  }
}

/** Asks the running child to stop (fipsyard: one SIGINT, so it cancels and removes its containers); then kills it. */
function interrupt(c, why) {
  if (c.stopping) {
    try { process.kill(-c.child.pid, 'SIGKILL'); } catch { /* gone */ }
    return;
  }
  c.stopping = true;
  say(`stopping ${c.name} (${why})`);
  const target = c.kind === 'fipsyard' ? childOf(c.child.pid) : undefined;
  try {
    if (target) process.kill(target, 'SIGINT');
    else process.kill(-c.child.pid, 'SIGINT'); // the bash loop and its docker clients
  } catch { /* gone */ }
  c.killTimer = setTimeout(() => { try { process.kill(-c.child.pid, 'SIGKILL'); } catch { /* gone */ } }, 60_000);
}

/**
 * Runs argv under /usr/bin/time (peak RSS of the process tree's largest process), timing the wall
 * clock around it here. Output goes to .fipsyard/bench/logs/NAME.log.
 */
function timed(name, kind, argv, { env = process.env, timeoutMs }) {
  if (cancelled) throw new Cancelled();
  const log = path.join(logDir, `${name}.log`);
  const rssFile = path.join(tmp, `${name}.rss`);
  const fd = openSync(log, 'w');
  say(`${name}: ${argv.map((a) => a.replace(repo, '').replace(tmp, '<tmp>')).join(' ')}`);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%M', '-o', rssFile, ...argv], { cwd: repo, env, stdio: ['ignore', fd, fd], detached: true });
    closeSync(fd);
    const c = { name, kind, child, stopping: false };
    current = c;
    const timer = setTimeout(() => interrupt(c, `no end after ${Math.round(timeoutMs / MIN)} min`), timeoutMs);
    child.on('error', (err) => { clearTimeout(timer); current = undefined; reject(err); });
    child.on('close', (code, signal) => {
      const wallMs = performance.now() - t0;
      clearTimeout(timer);
      clearTimeout(c.killTimer);
      current = undefined;
      let peakRssMb;
      try {
        const kb = Number(lines(readFileSync(rssFile, 'utf8')).at(-1));
        if (Number.isFinite(kb)) peakRssMb = kb / 1024;
      } catch { /* killed before time wrote it */ }
      const out = readFileSync(log, 'utf8');
      if (cancelled) return reject(new Cancelled());
      resolve({ name, wallMs, peakRssMb, code: code ?? (signal ? 128 : -1), log, out, stopped: c.stopping });
    });
  });
}

function tail(file, n = 15) {
  return readFileSync(file, 'utf8').split('\n').slice(-n).join('\n');
}

// ---------------------------------------------------------------- what the bench created

const created = { runIds: new Set(), baselineIds: new Set(), fipsyardIds: new Set() };

async function imageIds(filter) {
  return lines((await docker('image', 'ls', '-a', '-q', '--no-trunc', '--filter', filter)).stdout);
}
async function rememberImages() {
  for (const id of await imageIds(`reference=${BASELINE_PREFIX}/*`)) created.baselineIds.add(id);
  for (const id of await imageIds(`reference=${FY_PREFIX}/*`)) created.fipsyardIds.add(id);
}

let containersBefore = new Set();

async function cleanup() {
  say('cleaning up: the bench\'s containers, tags and images, and its temporary directory');
  const removed = { containers: 0, tags: 0, images: 0 };
  const containerFilters = [`label=dev.fipsyard.bench=${benchId}`, ...[...created.runIds].map((r) => `label=${RUN_LABEL}=${r}`)];
  for (const f of containerFilters) {
    const ids = lines((await docker('ps', '-a', '-q', '--filter', f)).stdout);
    if (ids.length) { await docker('rm', '-f', ...ids); removed.containers += ids.length; }
  }
  // Untag rather than delete by ID: an image the engine's layer cache shared with someone else keeps their tags.
  for (const prefix of [BASELINE_PREFIX, FY_PREFIX]) {
    const tags = lines((await docker('image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', '--filter', `reference=${prefix}/*`)).stdout);
    if (tags.length) { await docker('rmi', ...tags); removed.tags += tags.length; }
  }
  for (let pass = 0; pass < 2; pass++) {
    // Images our fipsyard runs built carry their run id: ours alone, force-removed.
    for (const r of created.runIds) {
      const ids = await imageIds(`label=${RUN_LABEL}=${r}`);
      if (ids.length) { await docker('rmi', '-f', ...ids); removed.images += ids.length; }
    }
    // Images once tagged by the bench and superseded (app-17 before the change): only if now unused and untagged.
    for (const id of [...created.baselineIds, ...created.fipsyardIds]) {
      if ((await docker('rmi', id)).code === 0) removed.images++;
    }
  }
  rmSync(tmp, { recursive: true, force: true });
  const left = lines((await docker('ps', '-a', '-q', '--no-trunc')).stdout).filter((id) => !containersBefore.has(id));
  const ours = [];
  for (const f of containerFilters) ours.push(...lines((await docker('ps', '-a', '-q', '--no-trunc', '--filter', f)).stdout));
  say(`removed ${removed.containers} containers, ${removed.tags} tags, ${removed.images} images; containers of the bench left: ${ours.length}`);
  if (left.length > ours.length) say(`note: ${left.length - ours.length} container(s) appeared during the bench without its labels (another process's?); left alone: ${left.join(' ')}`);
  return { ...removed, containersLeft: ours.length };
}

// ---------------------------------------------------------------- the phases

const workspaceFile = path.join(tmp, PIPELINE);
const fyEnv = () => {
  const env = { ...process.env, FIPSYARD_STATE_DIR: path.join(tmp, 'state'), FIPSYARD_CACHE: 'on', FIPSYARD_TAG_PREFIX: FY_PREFIX, DOCKER_BUILDKIT: '0' };
  delete env.REDIS_URL; // a private redis-server, whose state lives in the bench's state dir
  return env;
};
const baseEnv = () => ({ ...process.env, DOCKER_BUILDKIT: '0', BENCH_LABEL: `dev.fipsyard.bench=${benchId}` });

function prepareWorkspace() {
  for (const rel of ['images/fips-base', 'images/many', PIPELINE]) cpSync(path.join(repo, rel), path.join(tmp, rel), { recursive: true });
}

async function baseline(name, noCache) {
  const r = await timed(name, 'baseline', ['bash', path.join(repo, 'scripts/bench/baseline.sh'), tmp, BASELINE_PREFIX, ...(noCache ? ['--no-cache'] : [])], { env: baseEnv(), timeoutMs: 40 * MIN });
  await rememberImages();
  if (r.code !== 0) throw new Error(`${name} exited ${r.code}; ${r.log}:\n${tail(r.log)}`);
  return r;
}

async function fipsyard(name, noCache) {
  const reportDir = path.join(tmp, 'reports', name);
  const argv = [process.execPath, path.join(repo, 'apps/cli/bin/fipsyard.js'), 'run', workspaceFile, '--root', tmp, '--report-dir', reportDir, '--workers', String(WORKERS), '--progress', 'plain', ...(noCache ? ['--no-cache'] : [])];
  const r = await timed(name, 'fipsyard', argv, { env: fyEnv(), timeoutMs: 40 * MIN });
  for (const m of r.out.replace(/\x1b\[[0-9;]*m/g, '').matchAll(/fipsyard run (\S+):/g)) created.runIds.add(m[1]);
  let report;
  try {
    report = JSON.parse(readFileSync(path.join(reportDir, 'report.json'), 'utf8'));
    created.runIds.add(report.runId);
  } catch { /* no report: said below */ }
  await rememberImages();
  if (r.code !== 0 || !report) throw new Error(`${name} exited ${r.code}${report ? '' : ', no report.json'}; ${r.log}:\n${tail(r.log)}`);
  const stages = report.stages;
  return { ...r, runId: report.runId, stages: stages.length, cached: stages.filter((s) => s.cached).length, notCached: stages.filter((s) => !s.cached).map((s) => s.id) };
}

const pick = (r) => ({ wallMs: r.wallMs, peakRssMb: r.peakRssMb });
const pass = (ok) => (ok ? 'PASS' : 'MISS');

async function dockerPhases(results) {
  prepareWorkspace();
  say(`workspace ${tmp}: images/fips-base, images/many, ${PIPELINE}`);

  say('cold: nothing reused, the engine\'s layer cache off for both (rebuilds the FIPS base with apt, twice)');
  const coldB = await baseline('cold-baseline', true);
  const coldF = await fipsyard('cold-fipsyard', true);
  results.cold = { baseline: pick(coldB), fipsyard: { ...pick(coldF), runId: coldF.runId, cachedStages: coldF.cached }, ratio: coldF.wallMs / coldB.wallMs, target: 0.6 };

  say('warm: nothing changed; the baseline with the engine\'s layer cache, as a user\'s loop runs');
  const warmB = await baseline('warm-baseline', false);
  const warmFs = [];
  for (let i = 1; i <= warmRepeats; i++) warmFs.push(await fipsyard(`warm-fipsyard-${i}`, false));
  const warmF = warmFs.find((r) => r.wallMs === median(warmFs.map((x) => x.wallMs)));
  results.warm = {
    baseline: pick(warmB),
    fipsyard: { ...pick(warmF), runId: warmF.runId, runs: warmFs.map((r) => ({ wallMs: r.wallMs, peakRssMb: r.peakRssMb, cachedStages: r.cached, stages: r.stages })) },
    ratio: warmF.wallMs / warmB.wallMs, target: 0.05, targetWallMs: 3000,
    cachedStages: Math.min(...warmFs.map((r) => r.cached)), stages: warmF.stages,
  };

  say('one derived image changed: a comment appended to images/many/app-17/app.sh');
  appendFileSync(path.join(tmp, 'images/many/app-17/app.sh'), `# changed by the benchmark ${benchId}\n`);
  const oneB = await baseline('changed-baseline', false);
  const oneF = await fipsyard('changed-fipsyard', false);
  const expected = ['build-app-17', 'test-app-17'];
  results.changed = {
    baseline: pick(oneB), fipsyard: { ...pick(oneF), runId: oneF.runId }, ratio: oneF.wallMs / oneB.wallMs,
    rebuilt: oneF.notCached, expectedRebuilt: expected,
    onlyExpected: oneF.notCached.length === expected.length && expected.every((s) => oneF.notCached.includes(s)),
  };
}

/** Runs one of the TypeScript bench scripts; its last stdout line is its JSON. */
async function tsBench(name, file, argv, timeoutMs) {
  const r = await timed(name, 'script', [process.execPath, '--conditions=@fipsyard/source', '--import', 'tsx', path.join(repo, 'scripts/bench', file), ...argv], { timeoutMs });
  if (r.code !== 0) throw new Error(`${name} exited ${r.code}${r.stopped ? ' (stopped: too slow)' : ''}; ${r.log}:\n${tail(r.log)}`);
  const last = lines(r.out).reverse().find((l) => l.startsWith('{'));
  return { ...JSON.parse(last), processWallMs: r.wallMs, processPeakRssMb: r.peakRssMb };
}

// ---------------------------------------------------------------- the table

function table(results, host) {
  const rows = [];
  const row = (what, baseline, fipsyard, figure, target, ok) => rows.push([what, baseline, fipsyard, figure, target, ok === undefined ? '' : pass(ok)]);
  const mem = (r) => (r?.peakRssMb === undefined ? '?' : `${r.peakRssMb.toFixed(0)} MB`);
  if (results.cold) {
    const c = results.cold;
    row('cold (--no-cache), 31 images', fmtS(c.baseline.wallMs), fmtS(c.fipsyard.wallMs), `${c.ratio.toFixed(3)}x`, `<= ${c.target}x`, c.ratio <= c.target);
  }
  if (results.warm) {
    const w = results.warm;
    row(`warm, nothing changed (median of ${w.fipsyard.runs.length})`, fmtS(w.baseline.wallMs), fmtS(w.fipsyard.wallMs), `${w.ratio.toFixed(3)}x`, `<= ${w.target}x`, w.ratio <= w.target);
    row('  warm fipsyard wall time', '', fmtS(w.fipsyard.wallMs), fmtS(w.fipsyard.wallMs), `<= ${w.targetWallMs / 1000} s`, w.fipsyard.wallMs <= w.targetWallMs);
    row('  warm stages cached (report.json), each run', '', '', w.fipsyard.runs.map((r) => `${r.cachedStages}/${r.stages}`).join(', '), '62/62', w.cachedStages === 62 && w.stages === 62);
  }
  if (results.changed) {
    const o = results.changed;
    row('one derived image changed (app-17)', fmtS(o.baseline.wallMs), fmtS(o.fipsyard.wallMs), `${o.ratio.toFixed(3)}x`, '', undefined);
    row('  stages rebuilt (not cached)', '', '', o.rebuilt.join(', ') || 'none', o.expectedRebuilt.join(', '), o.onlyExpected);
  }
  if (results.cold) {
    row('peak RSS: fipsyard cold / warm / changed', '', '', `${mem(results.cold.fipsyard)} / ${mem(results.warm?.fipsyard)} / ${mem(results.changed?.fipsyard)}`, '', undefined);
    row('peak RSS: baseline client (bash, docker)', '', '', `${mem(results.cold.baseline)} / ${mem(results.warm?.baseline)} / ${mem(results.changed?.baseline)}`, '', undefined);
  }
  if (results.cliStartMs !== undefined) row('  CLI start-up (fipsyard --version)', '', '', fmtS(results.cliStartMs), '', undefined);
  if (results.scheduling) {
    const s = results.scheduling;
    if (s.error) row('scheduling queued -> started', '', '', `ERROR: ${s.error.split('\n')[0]}`, '', false);
    else {
      row(`scheduling queued -> started, median (${s.stages} stages, ${s.workers} workers)`, '', '', fmtMs(s.medianMs), '<= 20 ms', s.medianMs <= 20);
      row('  p95 / max', '', '', `${fmtMs(s.p95Ms)} / ${fmtMs(s.maxMs)}`, '', undefined);
    }
  }
  if (results.planning) {
    const p = results.planning;
    if (p.error) row('planning 1000 images', '', '', `ERROR: ${p.error.split('\n')[0]}`, '<= 300 ms', false);
    else {
      row(`planning ${p.images} images (${p.stages} stages), median`, fmtMs(p.baselineMedianMs), fmtMs(p.medianMs), `${(p.medianMs / p.baselineMedianMs).toFixed(1)}x the ${p.baselineImages}-image plan`, '<= 300 ms', p.medianMs <= 300);
      row('  planning cold (first in a process, as one `fipsyard run` pays)', '', fmtMs(p.coldMs), fmtMs(p.coldMs), '<= 300 ms', p.coldMs <= 300);
      if (p.yamlFastParseMedianMs !== undefined) {
        row('  same file: YAML events (fast path) / with positions (located path)', '', '', `${fmtMs(p.yamlFastParseMedianMs)} / ${fmtMs(p.yamlPositionedParseMedianMs)}`, '', undefined);
        row('  same file, forced down the located path / DAG planner alone', '', '', `${fmtMs(p.locatedLoadMedianMs)} / ${fmtMs(p.planStagesMedianMs)}`, '', undefined);
      }
      row('  planning peak RSS (whole process)', '', '', `${p.peakRssMb.toFixed(0)} MB`, '', undefined);
    }
  }
  const head = ['figure', 'baseline', 'fipsyard', 'value', 'target', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [
    `fipsyard bench ${new Date().toISOString()}: ${PIPELINE} (a base + 30 apps), ${WORKERS} workers, ${host.cores} cores, Docker Engine ${host.docker}, classic builder for both`,
    fmt(head), ...rows.map(fmt),
  ].join('\n');
}

// ---------------------------------------------------------------- main

function onSignal(sig) {
  if (cancelled) {
    if (current) interrupt(current, `${sig} again`);
    return;
  }
  cancelled = true;
  say(`${sig}: stopping, then cleaning up (${sig} again to kill the running child)`);
  if (current) interrupt(current, sig);
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('SIGHUP', onSignal);

let exitCode = 0;
const results = {};
const host = { cores: availableParallelism(), docker: '?' };
try {
  rmSync(logDir, { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });
  containersBefore = new Set(lines((await docker('ps', '-a', '-q', '--no-trunc')).stdout));
  host.docker = (await docker('version', '--format', '{{.Server.Version}}')).stdout.trim() || '?';

  const errors = [];
  const attempt = async (what, fn) => {
    try {
      await fn();
    } catch (err) {
      if (err instanceof Cancelled) throw err;
      errors.push(what);
      say(`${what} failed: ${err instanceof Error ? err.message : String(err)}`);
      return err;
    }
  };
  if (only.has('docker')) {
    await attempt('docker phases', () => dockerPhases(results));
    const v = await timed('cli-version', 'script', [process.execPath, path.join(repo, 'apps/cli/bin/fipsyard.js'), '--version'], { timeoutMs: MIN });
    results.cliStartMs = v.wallMs;
  }
  if (only.has('scheduling')) {
    const err = await attempt('scheduling', async () => { results.scheduling = await tsBench('scheduling', 'scheduling.ts', ['100', String(WORKERS)], 5 * MIN); });
    if (err) results.scheduling = { error: err.message };
  }
  if (only.has('planning')) {
    // Generous: pattern validation was being made faster while this was written.
    const err = await attempt('planning', async () => { results.planning = await tsBench('planning', 'planning.ts', ['1000', path.join(repo, PIPELINE)], 30 * MIN); });
    if (err) results.planning = { error: err.message };
  }
  if (errors.length) exitCode = 1;
} catch (err) {
  if (err instanceof Cancelled) exitCode = 130;
  else {
    exitCode = 1;
    say(`error: ${err instanceof Error ? err.stack : String(err)}`);
  }
} finally {
  let cleaned;
  try {
    cleaned = await cleanup();
  } catch (err) {
    say(`cleanup failed: ${err instanceof Error ? err.message : String(err)}`);
    exitCode ||= 1;
  }
  if (exitCode !== 130) {
    const text = table(results, host);
    process.stdout.write(`\n${text}\n`);
    mkdirSync(outDir, { recursive: true });
    writeFileSync(path.join(outDir, 'latest.json'), `${JSON.stringify({ at: new Date().toISOString(), host, pipeline: PIPELINE, workers: WORKERS, results, cleanup: cleaned, table: text.split('\n') }, null, 2)}\n`);
    say(`wrote ${path.relative(repo, path.join(outDir, 'latest.json'))}; child logs in ${path.relative(repo, logDir)}/`);
  }
}
process.exit(exitCode);
