import { UsageError, type RunStatus } from '@fipsyard/core';
import type { RunObserver } from '@fipsyard/engine';
import { plainStyle } from '@fipsyard/report';
import type { Output } from '../output.js';
import { progressObserver } from '../progress.js';
import { jsonLinesObserver, type ReportPaths } from './json-lines.js';
import { liveView, type LiveView, type Terminal } from './live.js';

/** `--progress`: `auto` is `tty` when stdout is a terminal, else `plain`. */
export const PROGRESS_MODES = ['auto', 'tty', 'plain', 'json'] as const;
export type ProgressMode = (typeof PROGRESS_MODES)[number];

/** `--progress` and its shorthand `--json` together. */
export function chooseProgress(mode: ProgressMode, json: boolean, stdoutIsTTY: boolean, term: string | undefined): Exclude<ProgressMode, 'auto'> {
  if (json && mode !== 'auto' && mode !== 'json') throw new UsageError(`--json and --progress ${mode} contradict each other`, { hint: '--json is short for --progress json: give one of them' });
  return resolveProgressMode(json ? 'json' : mode, stdoutIsTTY, term);
}

export function resolveProgressMode(mode: ProgressMode, stdoutIsTTY: boolean, term: string | undefined): Exclude<ProgressMode, 'auto'> {
  if (mode !== 'auto') return mode;
  return stdoutIsTTY && term !== 'dumb' ? 'tty' : 'plain';
}

/** How `run` shows progress, and where its own messages go meanwhile. */
export interface Progress {
  observer: RunObserver;
  /** Use this instead of the command's Output while the view is open (JSON keeps stdout to itself). */
  out: Output;
  /** Ends a live view (its last frame stays as the summary of progress); call before printing the report. */
  stop(status?: RunStatus): void;
  /** The reports are written: the JSON stream ends with their paths and the exit code. */
  finished(e: { runId: string; status: RunStatus; exitCode: number; reports?: ReportPaths }): void;
}

export interface OpenProgressOptions {
  out: Output;
  verbose: boolean;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

export function openProgress(mode: Exclude<ProgressMode, 'auto'>, { out, verbose, stdout = process.stdout, stderr = process.stderr }: OpenProgressOptions): Progress {
  switch (mode) {
    case 'plain': {
      // Plain means no escape sequences at all, also when forced on a terminal.
      const plain: Output = { style: plainStyle, line: out.line, err: out.err };
      return { observer: progressObserver({ style: plainStyle, write: plain.line, verbose }), out: plain, stop: () => undefined, finished: () => undefined };
    }
    case 'json': {
      const json = jsonLinesObserver({ write: out.line, logs: verbose });
      return { observer: json, out: { style: out.style, line: out.err, err: out.err }, stop: () => undefined, finished: (e) => json.finished(e) };
    }
    case 'tty': {
      const view = liveView({ terminal: ttyTerminal(stdout), style: out.style, verbose });
      const release = stderr.isTTY ? routeAround(stderr, view) : () => undefined;
      // A second Ctrl-C exits at once: the cursor must come back even then.
      const onExit = () => view.stop();
      process.once('exit', onExit);
      return {
        observer: view.observer,
        out: { style: out.style, line: (t) => view.print(t), err: out.err },
        stop(status) {
          view.stop(status);
          release();
          process.off('exit', onExit);
        },
        finished: () => undefined,
      };
    }
    default: {
      const _: never = mode;
      return _;
    }
  }
}

function ttyTerminal(stream: NodeJS.WriteStream): Terminal {
  return {
    get columns() {
      return stream.columns;
    },
    get rows() {
      return stream.rows;
    },
    write: (text) => void stream.write(text),
    onResize(listener) {
      // tty.WriteStream turns SIGWINCH into 'resize'.
      stream.on('resize', listener);
      return () => void stream.off('resize', listener);
    },
  };
}

/**
 * Logger lines, warnings and the Ctrl-C message go to stderr, on the same terminal as the view:
 * while the view is live each such write steps the view out of the way first, or the next redraw
 * would move the cursor over the wrong lines. Restored by the returned function.
 */
function routeAround(stream: NodeJS.WriteStream, view: LiveView): () => void {
  const original = stream.write;
  const call = original.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((...args: unknown[]) => {
    let ok = true;
    view.around(() => (ok = call(...args)));
    return ok;
  }) as typeof stream.write;
  return () => {
    stream.write = original;
  };
}
