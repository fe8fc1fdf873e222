import { createHash } from 'node:crypto';
import { checkFails } from '@fipsyard/core';
import type { ReportCheck, RunReport } from './model.js';

/** The files of an evidence bundle, by relative path; SHA256SUMS is computed over all the others. */
export function evidenceFiles(report: RunReport, pipelineText?: string): Map<string, string> {
  const files = new Map<string, string>();
  files.set(
    'run.json',
    json({
      runId: report.runId,
      status: report.status,
      startedAt: report.startedAt,
      finishedAt: report.finishedAt,
      tool: report.tool,
      pipeline: { path: report.pipeline, name: report.pipelineName, sha256: report.pipelineSha256 },
      host: report.host,
      summary: report.summary,
    }),
  );
  if (pipelineText !== undefined) files.set('pipeline.yaml', pipelineText);
  for (const img of report.images) {
    const dir = `images/${img.name}`;
    const stages = report.stages.filter((s) => s.image === img.name);
    files.set(`${dir}/image.json`, json({ name: img.name, imageId: img.imageId, tags: img.tags, tagged: img.tagged, labels: img.labels, parent: img.parent, parentImageId: img.parentImageId, parentChain: img.parentChain, ...(img.registry ? { registry: img.registry } : {}), status: img.status, stages }));
    img.checks.forEach((c, i) => files.set(`${dir}/checks/${String(i + 1).padStart(2, '0')}-${safe(c.id)}.json`, json(c)));
  }
  files.set('summary.md', summaryMarkdown(report));
  const sums = [...files.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, content]) => `${createHash('sha256').update(content).digest('hex')}  ${name}`)
    .join('\n');
  files.set('SHA256SUMS', `${sums}\n`);
  return files;
}

function json(v: unknown): string {
  return `${JSON.stringify(v, null, 2)}\n`;
}

function safe(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_');
}

function cell(c: ReportCheck | undefined): string {
  if (!c) return '—';
  if (c.waived) return `WAIVED (${c.status})`;
  return c.status === 'pass' ? 'pass' : c.status === 'fail' ? (checkFails(c) ? '**FAIL**' : 'fail (info)') : c.status;
}

function md(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** For people: the image × check matrix, failures first, then each failure with its evidence. */
export function summaryMarkdown(report: RunReport): string {
  const lines: string[] = [];
  lines.push(`# fipsyard evidence: ${report.pipelineName}`, '');
  lines.push(`- Run: \`${report.runId}\`, **${report.status.toUpperCase()}**, ${report.startedAt} to ${report.finishedAt}`);
  lines.push(`- Pipeline: \`${report.pipeline}\` (sha256 \`${report.pipelineSha256}\`)`);
  lines.push(`- Tool: fipsyard ${report.tool.version}`);
  const h = report.host;
  lines.push(`- Host: kernel ${String(h['kernelVersion'] ?? '?')}, kernel FIPS flag ${h['kernelFipsEnabled'] === null || h['kernelFipsEnabled'] === undefined ? 'absent (no kernel FIPS mode)' : String(h['kernelFipsEnabled'])}, Docker ${String(h['dockerVersion'] ?? '?')}`);
  lines.push('');
  lines.push('## Images', '', '| image | status | image ID | built on |', '|---|---|---|---|');
  for (const img of report.images) {
    lines.push(`| ${img.name} | ${img.status} | \`${img.imageId ?? 'not built'}\` | ${img.parentChain.map((p) => `${p.name} \`${(p.imageId ?? '').slice(7, 19)}\``).join(' ← ') || '—'} |`);
  }
  const ids: string[] = [];
  for (const img of report.images) for (const c of img.checks) if (!ids.includes(c.id)) ids.push(c.id);
  const rank = (id: string) => {
    const all = report.images.map((i) => i.checks.find((c) => c.id === id)).filter((c): c is ReportCheck => !!c);
    if (all.some(checkFails)) return 0;
    if (all.some((c) => c.waived)) return 1;
    if (all.some((c) => c.status === 'warn')) return 2;
    return 3;
  };
  const ordered = [...ids].sort((a, b) => rank(a) - rank(b));
  lines.push('', '## Checks (failures first)', '', `| check | ${report.images.map((i) => i.name).join(' | ')} |`, `|---|${report.images.map(() => '---').join('|')}|`);
  for (const id of ordered) {
    const title = report.images.flatMap((i) => i.checks).find((c) => c.id === id)?.title ?? id;
    lines.push(`| ${md(title)} (\`${id}\`) | ${report.images.map((i) => cell(i.checks.find((c) => c.id === id))).join(' | ')} |`);
  }
  const failures = report.images.flatMap((img) => img.checks.filter((c) => checkFails(c) || c.waived || c.status === 'warn').map((c) => ({ img: img.name, c })));
  if (failures.length) {
    lines.push('', '## Failures, waivers and warnings', '');
    for (const { img, c } of failures) {
      lines.push(`### ${img}: ${md(c.title)} — ${c.waived ? `waived (${c.status})` : c.status}`, '');
      if (c.reason) lines.push(md(c.reason), '');
      if (c.waived) lines.push(`Waiver until ${c.waived.expires}: ${md(c.waived.reason)}`, '');
      if (c.command.length) lines.push('```', `$ ${c.command.join(' ')}`, `exit code: ${c.exitCode ?? 'none'}`, c.stdout.slice(0, 2000), c.stderr.slice(0, 2000), '```', '');
    }
  }
  const reused = report.stages.filter((s) => s.kind === 'test' && s.cached);
  if (reused.length) {
    lines.push('', '## Verdicts reused from earlier runs', '');
    lines.push('These images were not checked again: the exact image ID, check definitions, waivers, host kernel and check code matched a passing run, whose results are shown above.', '');
    for (const s of reused) lines.push(`- ${s.image}: run \`${s.cached?.runId ?? '?'}\` at ${s.cached?.at ?? '?'}${s.cached?.evidenceDir ? `, evidence in \`${s.cached.evidenceDir}\`` : ''} (key \`${s.cached?.key ?? ''}\`)`);
  }
  const stageFailures = report.stages.filter((s) => s.status !== 'succeeded');
  if (stageFailures.length) {
    lines.push('', '## Stages not succeeded', '');
    for (const s of stageFailures) lines.push(`- \`${s.id}\`: ${s.status}${s.reason ? ` — ${md(s.reason)}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
