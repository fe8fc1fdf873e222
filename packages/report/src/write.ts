import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { toJUnit } from './junit.js';
import type { RunReport } from './model.js';

export interface WrittenReport {
  dir: string;
  json: string;
  junit: string;
}

/**
 * Writes report.json and junit.xml into `dir`; when `latestLink` is given, points that symlink at
 * `dir` (replaced atomically).
 */
export function writeReport(report: RunReport, dir: string, latestLink?: string): WrittenReport {
  mkdirSync(dir, { recursive: true });
  const json = path.join(dir, 'report.json');
  const junit = path.join(dir, 'junit.xml');
  atomicWrite(json, `${JSON.stringify(report, null, 2)}\n`);
  atomicWrite(junit, toJUnit(report));
  if (latestLink) {
    const tmp = `${latestLink}.${process.pid}.tmp`;
    rmSync(tmp, { force: true });
    symlinkSync(path.relative(path.dirname(latestLink), dir), tmp);
    renameSync(tmp, latestLink);
  }
  return { dir, json, junit };
}

function atomicWrite(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}
