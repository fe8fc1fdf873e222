import { CancelledError, ExitCode, LABELS, type Logger } from '../deps.js';
import { checkImages, defaultPlugins, defaultSuites, hostFacts, newRunId } from '@fipsyard/engine';
import { DockerRuntime } from '@fipsyard/runtime';
import { dockerOptions, type EnvConfig } from '../config.js';
import type { Output } from '../output.js';
import { TOOL_VERSION } from '../version.js';
import { finishReport, prepareReportDir } from '../write-report.js';

export interface CheckOptions {
  images: string[];
  suites: string[];
  reportDir?: string;
}

/** `fipsyard check IMAGE...`: the pipeline checks on images that already exist. */
export async function checkCommand(opts: CheckOptions, cfg: EnvConfig, out: Output, log: Logger): Promise<number> {
  const reportDir = prepareReportDir(opts.reportDir);
  const runtime = new DockerRuntime(dockerOptions(cfg));
  const host = await hostFacts(runtime);
  const runId = newRunId();
  const cancel = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) process.exit(ExitCode.Cancelled);
    out.err(`${sig}: cancelling (press Ctrl-C again to exit at once)`);
    cancel.abort(new CancelledError());
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    out.line(`${out.style.bold('fipsyard')} check ${runId}: ${opts.images.length} image(s), suites ${opts.suites.join(', ')}`);
    const snapshot = await checkImages({
      runId,
      images: opts.images,
      suites: opts.suites,
      available: new Map(defaultSuites.map((s) => [s.name, s])),
      runtime,
      plugin: defaultPlugins.test,
      logger: log,
      signal: cancel.signal,
      toolVersion: TOOL_VERSION,
      host,
      onStage: (e) => out.line(`  ${e.status === 'started' ? '>' : e.status === 'succeeded' ? out.style.green('ok  ') : out.style.red('FAIL')} ${e.stage.replace(/^test-/, '')}${e.reason ? ` ${out.style.dim(e.reason)}` : ''}`),
    });
    return finishReport(snapshot, reportDir, out).code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await runtime.removeContainersByLabel({ [LABELS.run]: runId }).catch(() => []);
  }
}
