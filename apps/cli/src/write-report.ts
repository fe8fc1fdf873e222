import * as path from 'node:path';
import { buildReport, renderSummary, reportExitCode, writeReport, type RunReport, type RunSnapshot, type WrittenReport } from '@fipsyard/report';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { describeError, ExitCode, UsageError } from '@fipsyard/core';
import type { Output } from './output.js';

/**
 * Makes sure the report directory can be written before any work starts, so a typo in
 * --report-dir costs nothing. Creates it one level at a time (a recursive mkdir loops on /proc).
 */
export function prepareReportDir(reportDir: string | undefined): string | undefined {
  if (reportDir === undefined) return undefined;
  const dir = path.resolve(reportDir);
  const missing: string[] = [];
  let cur = dir;
  while (!existsSync(cur)) {
    missing.unshift(cur);
    cur = path.dirname(cur);
  }
  try {
    if (!statSync(cur).isDirectory()) throw new Error(`${cur} is not a directory`);
    for (const d of missing) mkdirSync(d);
    const probe = path.join(dir, `.fipsyard-write-test-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (err) {
    throw new UsageError(`cannot write the report to ${dir}: ${describeError(err)}`, { hint: 'give --report-dir a directory you can write, or leave it out (default .fipsyard/runs/<runId>/)' });
  }
  return dir;
}

/** Writes every report of a finished run, prints the summary, returns the exit code. Shared by run and check. */
export function finishReport(snapshot: RunSnapshot, reportDir: string | undefined, out: Output): { report: RunReport; code: number; dir: string; written: WrittenReport } {
  const report = buildReport(snapshot);
  const root = path.resolve('.fipsyard', 'runs');
  const dir = reportDir ? path.resolve(reportDir) : path.join(root, report.runId);
  const written = writeReport(report, dir, reportDir ? undefined : path.join(root, 'latest'), { baseDir: process.cwd() });
  const rel = (p: string) => path.relative(process.cwd(), p) || p;
  out.line('');
  out.line(renderSummary(report, out.style));
  out.line(out.style.dim(`report: ${rel(written.json)}  junit: ${rel(written.junit)}  sarif: ${rel(written.sarif)}  evidence: ${rel(written.evidence)}/`));
  const code = reportExitCode(report);
  if (code === ExitCode.Infrastructure) {
    for (const s of report.stages.filter((st) => st.status === 'failed')) out.err(`error: ${s.id}: ${s.reason ?? 'failed'}`);
    out.err('  hint: these failures came from the environment (Docker, a registry), not from the images: make the base images available (docker load, a reachable registry) and run again');
  }
  return { report, code, dir, written };
}
