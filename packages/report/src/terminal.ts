import type { RunReport } from './model.js';

export interface Style {
  bold(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
}

export const plainStyle: Style = { bold: (s) => s, red: (s) => s, green: (s) => s, yellow: (s) => s, dim: (s) => s };

export const ansiStyle: Style = {
  bold: (s) => `\x1b[1m${s}\x1b[22m`,
  red: (s) => `\x1b[31m${s}\x1b[39m`,
  green: (s) => `\x1b[32m${s}\x1b[39m`,
  yellow: (s) => `\x1b[33m${s}\x1b[39m`,
  dim: (s) => `\x1b[2m${s}\x1b[22m`,
};

const MARK = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', skip: 'SKIP' } as const;

/** The summary people read at the end of a run: failures first, then every image's checks. */
export function renderSummary(report: RunReport, style: Style = plainStyle): string {
  const lines: string[] = [];
  const colour = (status: string, text: string) =>
    status === 'pass' || status === 'succeeded' || status === 'passed' ? style.green(text) : status === 'fail' || status === 'failed' ? style.red(text) : style.yellow(text);
  for (const img of report.images) {
    const id = img.imageId ? img.imageId.replace(/^sha256:/, '').slice(0, 12) : 'not built';
    const parent = img.parent ? ` on ${img.parent}` : '';
    lines.push(`${colour(img.status, img.status.toUpperCase().padEnd(9))} ${style.bold(img.name)} ${style.dim(`${id}${parent}${img.tagged.length ? `  tagged ${img.tagged.join(', ')}` : ''}`)}`);
    const reused = report.stages.find((s) => s.image === img.name && s.kind === 'test' && s.cached)?.cached;
    if (reused) lines.push(style.dim(`          cached: checked in run ${reused.runId ?? '?'} at ${reused.at ?? '?'}${reused.evidenceDir ? `, evidence in ${reused.evidenceDir}` : ''}`));
    for (const st of report.stages.filter((s) => s.image === img.name && s.flaky)) {
      lines.push(style.yellow(`          ${st.kind}: flaky - succeeded on attempt ${st.attempts}`));
    }
    for (const st of report.stages.filter((s) => s.image === img.name && s.status !== 'succeeded')) {
      lines.push(`          ${st.kind}: ${colour(st.status, st.status)} - ${st.reason ?? ''}`);
      for (const l of (st.log ?? []).slice(-5)) lines.push(style.dim(`            | ${l}`));
    }
    for (const c of img.checks) {
      const info = c.severity === 'information' ? style.dim(' (info)') : '';
      const from = c.origin && c.origin !== img.name ? style.dim(` [from ${c.origin}]`) : '';
      if (c.waived) {
        lines.push(`          ${style.yellow('WAIVED')} ${c.title}${from}${style.dim(` - ${c.status}: ${c.reason ?? ''}; waived until ${c.waived.expires}: ${c.waived.reason}`)}`);
        continue;
      }
      lines.push(`          ${colour(c.status, MARK[c.status])} ${c.title}${info}${from}${c.reason && c.status !== 'pass' ? style.dim(` - ${c.reason}`) : ''}`);
    }
  }
  const s = report.summary;
  lines.push('');
  lines.push(
    `${colour(report.status, style.bold(report.status.toUpperCase()))}  ${s.images} images; stages ${s.stages.succeeded} succeeded${s.stages.cached ? ` (${s.stages.cached} cached)` : ''}, ${s.stages.failed} failed, ${s.stages.skipped} skipped; checks ${s.checks.pass} pass, ${s.checks.fail} fail${s.checks.waived ? ` (${s.checks.waived} of them waived)` : ''}, ${s.checks.warn} warn, ${s.checks.skip} skip`,
  );
  return lines.join('\n');
}
