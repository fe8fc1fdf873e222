import type { RunStatus } from '@fipsyard/core';
import type { RunObserver } from '@fipsyard/engine';
import type { Style } from '@fipsyard/report';
import { Board } from './board.js';
import { renderFrame, stripControls, visibleWidth } from './frame.js';

/** The part of a terminal the live view uses; `process.stdout` in production, a fake in tests. */
export interface Terminal {
  /** Width; undefined when unknown (80 is assumed). */
  readonly columns: number | undefined;
  /** Height; undefined when unknown (24 is assumed). */
  readonly rows: number | undefined;
  write(text: string): void;
  /** Calls `listener` after a resize (SIGWINCH); returns a function that stops listening. */
  onResize(listener: () => void): () => void;
}

export interface LiveViewOptions {
  terminal: Terminal;
  style: Style;
  /** Print build output lines above the view. */
  verbose: boolean;
  /** Clock. Default `Date.now`. */
  now?: () => number;
  /** Least time between two redraws. Default 100 ms, so at most ~10 redraws a second. */
  minIntervalMs?: number;
  /** Redraw at least this often so elapsed times move. Default 1000 ms. */
  tickMs?: number;
}

export interface LiveView {
  observer: RunObserver;
  /** Prints lines above the view, into the scrollback; the view is drawn again below them. */
  print(text: string): void;
  /** Runs `write` (output to the same terminal by another way, e.g. stderr) with the view out of its way. */
  around(write: () => void): void;
  /** Draws the final frame, leaves it in the scrollback and shows the cursor again. Idempotent. */
  stop(status?: RunStatus): void;
}

const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';
// Synchronized output: terminals that know it show each frame at once; others ignore it.
const BEGIN_FRAME = '\x1b[?2026h';
const END_FRAME = '\x1b[?2026l';

/**
 * A compact view of the run redrawn in place: it moves the cursor up over its previous frame,
 * clears to the end of the screen and writes the new one. Everything else (build output, notices,
 * failures) is printed above it, so it scrolls away normally and the view stays whole.
 */
export function liveView({ terminal, style, verbose, now = Date.now, minIntervalMs = 100, tickMs = 1000 }: LiveViewOptions): LiveView {
  const board = new Board(now);
  const feed = board.observer();
  /** Lines of the frame now on the screen. */
  let drawn: string[] = [];
  let pending: string[] = [];
  let lastDraw = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;
  let stopResize: (() => void) | undefined;
  let state: 'idle' | 'live' | 'stopped' = 'idle';

  const size = () => ({ columns: terminal.columns || 80, rows: terminal.rows || 24 });

  /** Rows the frame on screen takes; after a resize a line may wrap over several (terminals that reflow). */
  const drawnRows = (): number => {
    const { columns } = size();
    return drawn.reduce((n, l) => n + Math.max(1, Math.ceil(visibleWidth(l) / columns)), 0);
  };

  const draw = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const frame = renderFrame(board, size(), style);
    if (pending.length === 0 && frame.join('\n') === drawn.join('\n')) return;
    const rows = drawnRows();
    // Back to the frame's first line, then overwrite line by line (each cleared to its end) and
    // clear what an older, longer frame left below. No erase of the whole screen from its top
    // corner: tmux (scroll-on-clear) would copy every frame into the scrollback.
    const text = `${BEGIN_FRAME}${rows ? `\r\x1b[${rows}A` : ''}${[...pending, ...frame].map((l) => `${l}\x1b[K\n`).join('')}\x1b[J${END_FRAME}`;
    pending = [];
    drawn = frame;
    lastDraw = now();
    terminal.write(text);
  };

  const schedule = () => {
    if (state !== 'live' || timer) return;
    timer = setTimeout(draw, Math.max(0, lastDraw + minIntervalMs - now()));
    timer.unref?.();
  };

  const start = () => {
    if (state !== 'idle') return;
    state = 'live';
    terminal.write(HIDE_CURSOR);
    ticker = setInterval(schedule, tickMs);
    ticker.unref?.();
    stopResize = terminal.onResize(() => {
      // Redraw now: the old frame's geometry is what the new size makes of it.
      if (state === 'live') draw();
    });
  };

  const print = (text: string) => {
    const lines = text.split('\n');
    if (state !== 'live') {
      terminal.write(lines.map((l) => `${l}\n`).join(''));
      return;
    }
    pending.push(...lines);
    schedule();
  };

  const observer: RunObserver = {
    runStarted(e) {
      feed.runStarted?.(e);
      start();
      schedule();
    },
    stageQueued(e) {
      feed.stageQueued?.(e);
      schedule();
    },
    stageStarted(e) {
      feed.stageStarted?.(e);
      start();
      schedule();
    },
    stageFinished(e) {
      feed.stageFinished?.(e);
      start();
      // Failures also go to the scrollback, so their reason stays readable when the view collapses.
      if (e.status === 'failed') print(`${style.red('FAIL')} ${e.stage}${e.reason ? `: ${stripControls(e.reason)}` : ''}`);
      schedule();
    },
    buildLog(e) {
      if (verbose) print(style.dim(`  | ${e.stage}: ${stripControls(e.line)}`));
    },
    notice(m) {
      print(style.yellow(`note: ${m}`));
    },
    runFinished(e) {
      feed.runFinished?.(e);
      schedule();
    },
  };

  return {
    observer,
    print,
    around(write) {
      if (state === 'live' && drawn.length > 0) {
        // Clear the frame line by line from the bottom, leaving the cursor where it began.
        terminal.write(`\r\x1b[2K${'\x1b[1A\x1b[2K'.repeat(drawnRows())}`);
        drawn = [];
      }
      write();
      schedule();
    },
    stop(status) {
      if (state === 'stopped') return;
      board.end(status);
      if (ticker) clearInterval(ticker);
      stopResize?.();
      const wasLive = state === 'live';
      state = 'stopped';
      if (!wasLive) return;
      draw();
      terminal.write(SHOW_CURSOR);
    },
  };
}
