import { checkFails } from '@fipsyard/core';
import type { RunReport } from './model.js';

function esc(s: string): string {
  // XML 1.0 forbids most control characters even when escaped.
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const seconds = (ms: number | null | undefined) => ((ms ?? 0) / 1000).toFixed(3);

/** JUnit XML: one testsuite per image, its build as a test case, then one test case per check. */
export function toJUnit(report: RunReport): string {
  const suites = report.images.map((img) => {
    const cases: string[] = [];
    const build = report.stages.find((s) => s.kind === 'build' && s.image === img.name);
    const test = report.stages.find((s) => s.kind === 'test' && s.image === img.name);
    if (build) {
      const body =
        build.status === 'failed'
          ? `<failure message="${esc(build.reason ?? 'build failed')}" type="build">${esc((build.log ?? []).join('\n'))}</failure>`
          : build.status === 'skipped'
            ? `<skipped message="${esc(build.reason ?? 'skipped')}"/>`
            : '';
      cases.push(`    <testcase classname="${esc(img.name)}" name="build" time="${seconds(build.durationMs)}">${body}</testcase>`);
    }
    for (const c of img.checks) {
      const evidence = `$ ${c.command.join(' ')}\nexit code: ${c.exitCode ?? 'none'}\n--- stdout\n${c.stdout}\n--- stderr\n${c.stderr}`;
      let body = '';
      if (checkFails(c)) body = `<failure message="${esc(c.reason ?? 'failed')}" type="${esc(c.suite)}">${esc(evidence)}</failure>`;
      else if (c.status === 'skip') body = `<skipped message="${esc(c.reason ?? 'skipped')}"/>`;
      else body = `<system-out>${esc(`${c.status}${c.reason ? `: ${c.reason}` : ''}\n${evidence}`)}</system-out>`;
      cases.push(`    <testcase classname="${esc(`${img.name}.${c.suite}`)}" name="${esc(c.title)}" time="${seconds(c.durationMs)}">${body}</testcase>`);
    }
    if (img.checks.length === 0 && test && test.status !== 'succeeded') {
      const body = test.status === 'failed' ? `<failure message="${esc(test.reason ?? 'failed')}" type="test"/>` : `<skipped message="${esc(test.reason ?? 'skipped')}"/>`;
      cases.push(`    <testcase classname="${esc(img.name)}" name="checks" time="0">${body}</testcase>`);
    }
    const failures = cases.filter((c) => c.includes('<failure')).length;
    const skipped = cases.filter((c) => c.includes('<skipped')).length;
    return `  <testsuite name="${esc(img.name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" timestamp="${esc(report.startedAt)}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  if (report.status === 'cancelled') {
    // A cancelled run proves nothing: CI must not read it as green.
    suites.push(`  <testsuite name="run" tests="1" failures="0" errors="1" skipped="0" timestamp="${esc(report.startedAt)}">\n    <testcase classname="fipsyard" name="run ${esc(report.runId)}"><error message="run cancelled" type="cancelled"/></testcase>\n  </testsuite>`);
  }
  const total = (attr: string) => suites.reduce((n, s) => n + Number(new RegExp(`${attr}="(\\d+)"`).exec(s)?.[1] ?? 0), 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="fipsyard ${esc(report.pipelineName)}" tests="${total('tests')}" failures="${total('failures')}" errors="${total('errors')}" skipped="${total('skipped')}">\n${suites.join('\n')}\n</testsuites>\n`;
}
