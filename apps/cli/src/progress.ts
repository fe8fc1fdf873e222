import type { RunObserver } from '@fipsyard/engine';
import type { Style } from '@fipsyard/report';
import { stripControls } from './progress/frame.js';

export interface ProgressOptions {
  style: Style;
  write: (line: string) => void;
  /** Print build output lines too. */
  verbose: boolean;
  now?: () => number;
}

/** Per-stage progress lines on the terminal (and in CI logs). */
export function progressObserver({ style, write, verbose, now = Date.now }: ProgressOptions): RunObserver {
  const begun = now();
  const startedAt = new Map<string, number>();
  let total = 0;
  let done = 0;
  const clock = () => style.dim(`${((now() - begun) / 1000).toFixed(1).padStart(6)}s`);
  const label = (stage: string) => {
    const dash = stage.indexOf('-');
    return `${stage.slice(0, dash).padEnd(5)} ${stage.slice(dash + 1)}`;
  };
  return {
    runStarted(e) {
      total = e.stages.length;
      const images = new Set(e.stages.map((s) => s.image)).size;
      write(`${style.bold('fipsyard')} run ${e.runId}: ${images} images, ${total} stages`);
    },
    stageStarted(e) {
      startedAt.set(e.stage, now());
      write(`${clock()} ${style.bold('>')} ${label(e.stage)} ${style.dim(`started on ${e.worker}${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}`)}`);
    },
    stageFinished(e) {
      done += 1;
      const t0 = startedAt.get(e.stage);
      const took = t0 === undefined ? '' : ` in ${((now() - t0) / 1000).toFixed(1)}s`;
      const mark = e.status === 'succeeded' ? style.green('ok  ') : e.status === 'failed' ? style.red('FAIL') : style.yellow('skip');
      // A reused result says so, so nobody mistakes it for a fresh build and check.
      const status = e.cached ? `${e.status}, cached` : e.status;
      write(`${clock()} ${mark} ${label(e.stage)} ${style.dim(`${status}${took}  [${done}/${total}]`)}${e.reason ? ` ${e.status === 'failed' ? style.red(e.reason) : style.dim(e.reason)}` : ''}`);
    },
    buildLog(e) {
      if (verbose) write(style.dim(`         | ${e.stage}: ${stripControls(e.line)}`));
    },
    notice(m) {
      write(style.yellow(`note: ${m}`));
    },
  };
}
