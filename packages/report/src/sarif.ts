import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkFails } from '@fipsyard/core';
import type { ReportCheck, RunReport } from './model.js';

export interface SarifOptions {
  /** Paths in the log are made relative to this directory (e.g. the repository root). Default: absolute file URIs. */
  baseDir?: string;
}

type Level = 'error' | 'warning' | 'note' | 'none';

function level(c: ReportCheck): { level: Level; kind: 'fail' | 'pass' | 'notApplicable' | 'review' | 'informational' } {
  if (c.status === 'fail') return checkFails(c) || c.waived ? { level: 'error', kind: 'fail' } : { level: 'note', kind: 'informational' };
  if (c.status === 'warn') return { level: 'warning', kind: 'review' };
  if (c.status === 'skip') return { level: 'none', kind: 'notApplicable' };
  return { level: 'none', kind: 'pass' };
}

/** SARIF 2.1.0: one rule per check id, one result per image and check, with its evidence. */
export function toSarif(report: RunReport, options: SarifOptions = {}): Record<string, unknown> {
  const rules = new Map<string, { id: string; name: string; shortDescription: { text: string }; fullDescription?: { text: string }; properties: Record<string, unknown> }>();
  for (const img of report.images) {
    for (const c of img.checks) {
      const known = rules.get(c.id);
      if (known) {
        // The same check in several images: keep every control any of them names.
        const tags = known.properties['tags'] as string[];
        for (const ctl of c.controls ?? []) if (!tags.includes(ctl)) tags.push(ctl);
        continue;
      }
      const rule: { id: string; name: string; shortDescription: { text: string }; fullDescription?: { text: string }; properties: Record<string, unknown> } = {
        id: c.id,
        name: c.id.replace(/[^A-Za-z0-9]+(.)?/g, (_m, ch: string | undefined) => (ch ? ch.toUpperCase() : '')),
        shortDescription: { text: c.title },
        properties: { suite: c.suite, tags: ['fips', ...(c.controls ?? [])], ...(c.severity ? { severity: c.severity } : {}) },
      };
      if (c.rationale) rule.fullDescription = { text: c.rationale };
      rules.set(c.id, rule);
    }
  }
  const ruleIds = [...rules.keys()];
  // `fipsyard check` has no pipeline file: results then point at the image only.
  const fromFile = path.isAbsolute(report.pipeline);
  const uri = !fromFile ? undefined : options.baseDir ? encodeURI(path.relative(options.baseDir, report.pipeline).split(path.sep).join('/')) : pathToFileURL(report.pipeline).href;
  const results = report.images.flatMap((img) =>
    img.checks.map((c) => {
      const { level: lvl, kind } = level(c);
      const result: Record<string, unknown> = {
        ruleId: c.id,
        ruleIndex: ruleIds.indexOf(c.id),
        kind,
        level: lvl,
        message: { text: `${img.name}: ${c.title}: ${c.status}${c.reason ? ` - ${c.reason}` : ''}` },
        locations: [
          {
            ...(uri ? { physicalLocation: { artifactLocation: { uri }, ...(img.line ? { region: { startLine: img.line } } : {}) } } : {}),
            logicalLocations: [{ name: img.name, fullyQualifiedName: `${report.pipelineName}/${img.name}`, kind: 'module' }],
          },
        ],
        properties: {
          image: img.name,
          imageId: img.imageId,
          status: c.status,
          origin: c.origin ?? img.name,
          hostDependent: c.hostDependent ?? false,
          evidence: { command: c.command, exitCode: c.exitCode, stdout: c.stdout.slice(0, 8192), stderr: c.stderr.slice(0, 8192), durationMs: c.durationMs },
        },
      };
      if (c.waived) result['suppressions'] = [{ kind: 'external', status: 'accepted', justification: `${c.waived.reason} (until ${c.waived.expires})` }];
      return result;
    }),
  );
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'fipsyard', version: report.tool.version, informationUri: 'https://github.com/fipsyard/fipsyard', rules: [...rules.values()] } },
        automationDetails: { id: `fipsyard/${report.pipelineName}/${report.runId}` },
        invocations: [{ executionSuccessful: report.status !== 'cancelled', startTimeUtc: report.startedAt, endTimeUtc: report.finishedAt }],
        properties: { status: report.status, host: report.host, pipelineSha256: report.pipelineSha256 },
        results,
      },
    ],
  };
}
