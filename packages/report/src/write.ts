import { mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { evidenceFiles } from './evidence.js';
import { toJUnit } from './junit.js';
import type { RunReport } from './model.js';
import { toSarif } from './sarif.js';

export interface WrittenReport {
  dir: string;
  json: string;
  junit: string;
  sarif: string;
  evidence: string;
}

/**
 * Writes report.json and junit.xml into `dir`; when `latestLink` is given, points that symlink at
 * `dir` (replaced atomically).
 */
export function writeReport(report: RunReport, dir: string, latestLink?: string, options: { baseDir?: string } = {}): WrittenReport {
  mkdirSync(dir, { recursive: true });
  const json = path.join(dir, 'report.json');
  const junit = path.join(dir, 'junit.xml');
  const sarif = path.join(dir, 'results.sarif');
  const evidence = path.join(dir, 'evidence');
  atomicWrite(json, `${JSON.stringify(report, null, 2)}\n`);
  atomicWrite(junit, toJUnit(report));
  atomicWrite(sarif, `${JSON.stringify(toSarif(report, options), null, 2)}\n`);
  let pipelineText: string | undefined;
  try {
    pipelineText = readFileSync(report.pipeline, 'utf8');
  } catch {
    pipelineText = undefined; // `fipsyard check` has no pipeline file
  }
  rmSync(evidence, { recursive: true, force: true });
  for (const [rel, content] of evidenceFiles(report, pipelineText)) {
    const file = path.join(evidence, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  if (latestLink) {
    const tmp = `${latestLink}.${process.pid}.tmp`;
    rmSync(tmp, { force: true });
    symlinkSync(path.relative(path.dirname(latestLink), dir), tmp);
    renameSync(tmp, latestLink);
  }
  return { dir, json, junit, sarif, evidence };
}

function atomicWrite(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}
