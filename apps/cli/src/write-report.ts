import * as path from 'node:path';
import { buildReport, renderSummary, reportExitCode, writeReport, type RunReport, type RunSnapshot } from '@fipsyard/report';
import { ExitCode } from '@fipsyard/core';
import type { Output } from './output.js';

/** Writes every report of a finished run, prints the summary, returns the exit code. Shared by run and check. */
export function finishReport(snapshot: RunSnapshot, reportDir: string | undefined, out: Output): { report: RunReport; code: number } {
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
  return { report, code };
}
