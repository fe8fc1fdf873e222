import type { Style } from '@fipsyard/report';
import type { Board, ImageRow, ImageState } from './board.js';

export interface FrameSize {
  /** Terminal width in columns. */
  columns: number;
  /** Terminal height in rows; the frame uses at most `rows - 1` so it never scrolls itself away. */
  rows: number;
}

const LABEL: Record<ImageState, string> = {
  queued: 'queued',
  building: 'building',
  testing: 'testing',
  passed: 'passed',
  cached: 'cached',
  failed: 'FAILED',
  skipped: 'skipped',
};

/** Row priority when not every image fits: what is happening, then what went wrong, then the rest. */
const RANK: Record<ImageState, number> = { building: 0, testing: 0, failed: 1, passed: 2, cached: 2, skipped: 3, queued: 4 };

/** `12s`, `3m05s`, `1h02m`. */
export function formatElapsed(ms: number): string {
  const s = Math.floor(Math.max(0, ms) / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * The live view as lines (no newlines, each at most `columns - 1` visible characters): a header,
 * then one row per image, or when they do not fit the running and failed ones and a line of
 * counts for the rest.
 */
export function renderFrame(board: Board, size: FrameSize, style: Style): string[] {
  const width = Math.max(10, size.columns - 1);
  const maxLines = Math.max(1, size.rows - 1);
  const lines = [header(board, style)];
  const images = board.images();
  const nameWidth = Math.min(32, Math.max(0, ...images.map((i) => i.name.length)));
  const row = (i: ImageRow) => imageRow(i, nameWidth, style);
  if (images.length <= maxLines - 1) {
    lines.push(...images.map(row));
  } else if (maxLines >= 2) {
    const room = maxLines - 2; // the header and the line of counts
    const shown = [...images]
      .sort((a, b) => RANK[a.state] - RANK[b.state] || (a.state === 'failed' || RANK[a.state] === 2 ? b.changedAt - a.changedAt : a.order - b.order))
      .slice(0, room);
    const shownSet = new Set(shown);
    lines.push(...shown.map(row));
    lines.push(style.dim(`… ${images.length - shown.length} more: ${countStates(images.filter((i) => !shownSet.has(i)))}`));
  }
  return lines.map((l) => fit(l, width));
}

function header(board: Board, style: Style): string {
  const c = board.counts();
  // Only the counts that are not zero, so the header fits 80 columns.
  const extra = [c.failed ? style.red(`${c.failed} failed`) : '', c.cached ? `${c.cached} cached` : '', c.skipped ? `${c.skipped} skipped` : ''].filter(Boolean).join(', ');
  const state = board.status ? ` ${board.status === 'passed' ? style.green(board.status) : board.status === 'failed' ? style.red(board.status) : style.yellow(board.status)}` : '';
  return `${style.bold('fipsyard')} ${board.runId}${state}  ${formatElapsed(board.elapsedMs())}  ${style.bold(String(c.running))} running · ${c.queued} queued · ${c.done}/${c.total} done${extra ? ` (${extra})` : ''}`;
}

function imageRow(i: ImageRow, nameWidth: number, style: Style): string {
  const label = LABEL[i.state].padEnd(8);
  const mark =
    i.state === 'failed' ? style.red(label) : i.state === 'passed' ? style.green(label) : i.state === 'building' || i.state === 'testing' ? style.bold(label) : i.state === 'skipped' ? style.yellow(label) : style.dim(label);
  const name = i.name.length > nameWidth ? `${i.name.slice(0, nameWidth - 1)}…` : i.name.padEnd(nameWidth);
  const time = (i.elapsedMs === undefined ? '' : formatElapsed(i.elapsedMs)).padStart(6);
  const reason = i.reason ? `  ${i.state === 'failed' ? style.red(oneLine(i.reason)) : style.dim(oneLine(i.reason))}` : '';
  return `  ${mark} ${name} ${style.dim(time)}${reason}`;
}

function countStates(rows: readonly ImageRow[]): string {
  const n = new Map<ImageState, number>();
  for (const r of rows) n.set(r.state, (n.get(r.state) ?? 0) + 1);
  return (Object.keys(LABEL) as ImageState[])
    .filter((s) => n.has(s))
    .map((s) => `${n.get(s)} ${LABEL[s].toLowerCase()}`)
    .join(', ');
}

function oneLine(s: string): string {
  return stripControls(s.replace(/\s*\n\s*/g, ' ').replace(/\t/g, ' '));
}

const ESCAPE_SOURCE = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/.source;
const ESCAPE = new RegExp(ESCAPE_SOURCE, 'g');
const ESCAPE_AT = new RegExp(ESCAPE_SOURCE, 'y');

/** Text from elsewhere (build output, reasons) without escape sequences or control characters. */
export function stripControls(s: string): string {
  return s.replace(ESCAPE, '').replace(/[\x00-\x08\x0a-\x1f\x7f]/g, '');
}

/** Visible width of a line of our own making (escape sequences take no room). */
export function visibleWidth(s: string): number {
  return [...s.replace(ESCAPE, '')].length;
}

/** Cuts a styled line to `width` visible characters, so the terminal never wraps it. */
export function fit(line: string, width: number): string {
  if (visibleWidth(line) <= width) return line;
  let out = '';
  let seen = 0;
  let i = 0;
  while (i < line.length) {
    ESCAPE_AT.lastIndex = i;
    const m = line[i] === '\x1b' ? ESCAPE_AT.exec(line) : null;
    if (m) {
      out += m[0];
      i += m[0].length;
      continue;
    }
    const ch = String.fromCodePoint(line.codePointAt(i) ?? 0);
    if (seen === width - 1) break;
    out += ch;
    seen += 1;
    i += ch.length;
  }
  return `${out}…${line.includes('\x1b') ? '\x1b[0m' : ''}`;
}
