import type { CheckResult, StageKind } from '@fipsyard/core';
import type { ReportImage, ReportStage, ReportStageStatus, RunReport, RunSnapshot } from './model.js';

/** Assembles report.json from a run's state. Pure. */
export function buildReport(run: RunSnapshot): RunReport {
  const byId = new Map(run.stages.map((s) => [s.id, s]));
  const stages: ReportStage[] = run.plan.stages.map((p) => {
    const s = byId.get(p.id);
    const status: ReportStageStatus = s?.state === 'succeeded' ? 'succeeded' : s?.state === 'failed' ? 'failed' : 'skipped';
    const out: ReportStage = {
      id: p.id,
      kind: p.kind,
      image: p.image,
      status,
      worker: s?.worker ?? null,
      attempts: s?.attempt ?? 0,
      startedAt: s?.startedAt ?? null,
      finishedAt: s?.finishedAt ?? null,
      durationMs: s?.startedAt && s.finishedAt ? Date.parse(s.finishedAt) - Date.parse(s.startedAt) : null,
    };
    const reason = s?.outcome?.reason ?? s?.reason ?? (s === undefined || s.state === 'pending' || s.state === 'ready' ? 'not run' : undefined);
    if (reason !== undefined && status !== 'succeeded') out.reason = reason;
    if (s?.outcome?.infrastructure) out.infrastructure = true;
    if (s?.outcome?.flaky) out.flaky = true;
    if (s?.outcome?.cached && status === 'succeeded') out.cached = s.outcome.cached;
    if (s?.outcome?.log?.length && status === 'failed') out.log = s.outcome.log;
    return out;
  });
  const stageOf = (kind: StageKind, image: string) => byId.get(`${kind}-${image}`);
  const images: ReportImage[] = run.pipeline.images.map((img) => {
    const build = stageOf('build', img.name)?.outcome?.output;
    const test = stageOf('test', img.name)?.outcome?.output;
    const buildOut = build?.kind === 'build' ? build.build : undefined;
    const testOut = test?.kind === 'test' ? test.test : undefined;
    const own = stages.filter((s) => s.image === img.name);
    const status: ReportStageStatus = own.some((s) => s.status === 'failed') ? 'failed' : own.every((s) => s.status === 'succeeded') ? 'succeeded' : 'skipped';
    return {
      name: img.name,
      tags: img.tags,
      tagged: testOut?.tagged ?? [],
      imageId: buildOut?.imageId ?? testOut?.imageId ?? null,
      parent: img.parent ?? null,
      parentImageId: buildOut?.parentImageId ?? null,
      parentChain: [],
      labels: testOut?.image?.labels ?? {},
      line: img.line ?? null,
      ...(img.matrix ? { matrix: img.matrix } : {}),
      ...(buildOut?.digest && buildOut.pinned ? { registry: { digest: buildOut.digest, pinned: buildOut.pinned, pushed: testOut?.pushed ?? [] } } : {}),
      status,
      checks: testOut?.checks ?? [],
    };
  });
  const byName = new Map(images.map((i) => [i.name, i]));
  for (const img of images) {
    const seen = new Set([img.name]);
    let p = img.parent ? byName.get(img.parent) : undefined;
    while (p && !seen.has(p.name)) {
      seen.add(p.name);
      img.parentChain.push({ name: p.name, imageId: p.imageId });
      p = p.parent ? byName.get(p.parent) : undefined;
    }
  }
  const count = <T extends string>(keys: readonly T[], values: T[]) => Object.fromEntries(keys.map((k) => [k, values.filter((v) => v === k).length])) as Record<T, number>;
  const allChecks: CheckResult[] = images.flatMap((i) => i.checks);
  const status = run.status === 'running' ? (stages.some((s) => s.status === 'failed') ? 'failed' : 'passed') : run.status;
  return {
    reportVersion: 1,
    tool: { name: 'fipsyard', version: run.toolVersion },
    runId: run.runId,
    pipeline: run.pipeline.file,
    pipelineName: run.pipeline.name,
    pipelineSha256: run.pipeline.sha256,
    status,
    startedAt: run.createdAt,
    finishedAt: run.finishedAt ?? new Date().toISOString(),
    host: run.host ?? {},
    summary: {
      images: images.length,
      stages: { ...count(['succeeded', 'failed', 'skipped'] as const, stages.map((s) => s.status)), cached: stages.filter((s) => s.cached).length },
      checks: { ...count(['pass', 'fail', 'warn', 'skip'] as const, allChecks.map((c) => c.status)), waived: allChecks.filter((c) => c.waived).length },
    },
    stages,
    images,
  };
}

/** The process exit code a report stands for: 0 passed, 1 failed, 3 infrastructure, 130 cancelled. */
export function reportExitCode(report: RunReport): 0 | 1 | 3 | 130 {
  if (report.status === 'cancelled') return 130;
  if (report.status === 'passed') return 0;
  // Only infrastructure failed: the images were never judged.
  const failed = report.stages.filter((s) => s.status === 'failed');
  if (failed.length > 0 && failed.every((s) => s.infrastructure)) return 3;
  return 1;
}
