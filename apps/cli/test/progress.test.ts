import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isFipsyardError } from '@fipsyard/core';
import type { RunObserver } from '@fipsyard/engine';
import { ansiStyle, plainStyle } from '@fipsyard/report';
import type { Output } from '../src/output.js';
import { Board } from '../src/progress/board.js';
import { fit, formatElapsed, renderFrame, visibleWidth } from '../src/progress/frame.js';
import { jsonLinesObserver } from '../src/progress/json-lines.js';
import { liveView, type Terminal } from '../src/progress/live.js';
import { chooseProgress, openProgress } from '../src/progress/open.js';

/**
 * A terminal small enough to read: it applies what the view writes (text, newline, carriage return,
 * cursor up, erase down) to a list of lines that stands for scrollback plus screen.
 */
class FakeTerminal implements Terminal {
  lines: string[] = [''];
  row = 0;
  col = 0;
  writes: string[] = [];
  cursorHidden = false;
  /** The largest cursor-up move seen: it must stay on the screen. */
  maxUp = 0;
  private listeners: (() => void)[] = [];

  constructor(
    public columns: number | undefined,
    public rows: number | undefined,
  ) {}

  write(text: string): void {
    this.writes.push(text);
    for (let i = 0; i < text.length; ) {
      const ch = text[i]!;
      if (ch === '\x1b') {
        const m = /^\x1b\[([?0-9;]*)([A-Za-z])/.exec(text.slice(i));
        if (!m) throw new Error(`unexpected escape at ${JSON.stringify(text.slice(i, i + 10))}`);
        const [all, arg = '', fin] = m;
        if (fin === 'A') {
          const n = Number(arg || '1');
          this.maxUp = Math.max(this.maxUp, n);
          this.row = Math.max(0, this.row - n);
        } else if (fin === 'J') {
          this.lines.length = this.row + 1;
          this.lines[this.row] = this.lines[this.row]!.slice(0, this.col);
        } else if (fin === 'K') {
          this.lines[this.row] = arg === '2' ? '' : this.lines[this.row]!.slice(0, this.col);
        } else if (fin === 'l' && arg === '?25') this.cursorHidden = true;
        else if (fin === 'h' && arg === '?25') this.cursorHidden = false;
        i += all.length;
        continue;
      }
      if (ch === '\n') {
        this.row += 1;
        this.col = 0;
        if (this.row >= this.lines.length) this.lines.push('');
      } else if (ch === '\r') {
        this.col = 0;
      } else {
        const line = this.lines[this.row]!.padEnd(this.col);
        this.lines[this.row] = line.slice(0, this.col) + ch + line.slice(this.col + 1);
        this.col += 1;
      }
      i += 1;
    }
  }

  onResize(listener: () => void): () => void {
    this.listeners.push(listener);
    return () => (this.listeners = this.listeners.filter((l) => l !== listener));
  }

  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    for (const l of this.listeners) l();
  }

  /** What is on it, without the empty line the cursor waits on. */
  text(): string[] {
    return this.lines.at(-1) === '' ? this.lines.slice(0, -1) : [...this.lines];
  }
}

const at = () => new Date(Date.now()).toISOString();
const names = (n: number) => Array.from({ length: n }, (_, i) => `img-${String(i).padStart(4, '0')}`);

function start(o: RunObserver, images: string[], runId = 'run-1'): void {
  o.runStarted?.({ runId, stages: images.flatMap((image) => [{ id: `build-${image}`, kind: 'build' as const, image }, { id: `test-${image}`, kind: 'test' as const, image }]) });
}
const begin = (o: RunObserver, stage: string) => o.stageStarted?.({ stage, worker: 'w1', attempt: 1, at: at() });
const end = (o: RunObserver, stage: string, status: 'succeeded' | 'failed' | 'skipped' = 'succeeded', extra: { reason?: string; cached?: boolean } = {}) =>
  o.stageFinished?.({ stage, status, at: at(), ...extra });

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(0);
});
afterEach(() => vi.useRealTimers());

describe('the live view frame', () => {
  it('shows the stage counts, the elapsed time and each image with its state and time', () => {
    const board = new Board(() => Date.now());
    const o = board.observer();
    start(o, ['base', 'py', 'node', 'go', 'java']);
    begin(o, 'build-base');
    vi.advanceTimersByTime(12_000);
    end(o, 'build-base');
    begin(o, 'test-base');
    vi.advanceTimersByTime(3_000);
    end(o, 'test-base');
    end(o, 'build-py', 'succeeded', { cached: true });
    end(o, 'test-py', 'succeeded', { cached: true });
    begin(o, 'build-node');
    begin(o, 'build-go');
    vi.advanceTimersByTime(2_000);
    end(o, 'build-go', 'failed', { reason: 'build failed: exit 2' });
    end(o, 'test-go', 'skipped', { reason: 'skipped because build-go failed' });
    vi.advanceTimersByTime(65_000);

    const lines = renderFrame(board, { columns: 120, rows: 30 }, plainStyle);
    expect(lines[0]).toBe('fipsyard run-1  1m22s  1 running · 3 queued · 6/10 done (1 failed, 2 cached, 1 skipped)');
    expect(lines.slice(1).map((l) => l.trim().split(/\s+/).slice(0, 3).join(' '))).toEqual(['passed base 15s', 'cached py', 'building node 1m07s', 'FAILED go 2s', 'queued java']);
    expect(lines.find((l) => l.includes(' go '))).toContain('build: build failed: exit 2');
  });

  it('with 1000 images on a small terminal shows the running and failed ones and counts the rest', () => {
    const board = new Board(() => Date.now());
    const o = board.observer();
    const imgs = names(1000);
    start(o, imgs);
    for (const i of imgs.slice(0, 600)) {
      end(o, `build-${i}`);
      end(o, `test-${i}`, 'succeeded', { cached: imgs.indexOf(i) < 100 });
    }
    end(o, 'build-img-0600', 'failed', { reason: 'out of disk' });
    for (const i of imgs.slice(601, 605)) begin(o, `build-${i}`);
    const lines = renderFrame(board, { columns: 100, rows: 20 }, plainStyle);
    expect(lines).toHaveLength(19);
    const rows = lines.slice(1, -1).map((l) => l.trim().split(/\s+/));
    expect(rows.slice(0, 4).map((r) => `${r[0]} ${r[1]}`)).toEqual(['building img-0601', 'building img-0602', 'building img-0603', 'building img-0604']);
    expect(rows[4]?.slice(0, 2)).toEqual(['FAILED', 'img-0600']);
    expect(lines.at(-1)).toMatch(/^… 983 more: 395 queued, 588 passed$/);
    expect(lines.at(-1)).toContain('queued');
  });

  it('never wraps: every line fits the width, styled or not, and a 3-row terminal gets the header and counts', () => {
    const board = new Board(() => Date.now());
    const o = board.observer();
    start(o, ['a-very-long-image-name-that-goes-on-and-on-and-on-and-on', 'b']);
    begin(o, 'build-b');
    end(o, 'build-a-very-long-image-name-that-goes-on-and-on-and-on-and-on', 'failed', { reason: 'x'.repeat(500) });
    for (const style of [plainStyle, ansiStyle]) {
      for (const l of renderFrame(board, { columns: 40, rows: 10 }, style)) expect(visibleWidth(l)).toBeLessThanOrEqual(39);
    }
    const tiny = renderFrame(board, { columns: 40, rows: 3 }, plainStyle);
    expect(tiny).toHaveLength(2);
    expect(tiny[1]).toMatch(/… \d+ more/);
    expect(fit(ansiStyle.red('abcdefghij'), 5)).toBe('\x1b[31mabcd…\x1b[0m');
  });

  it('formats elapsed times', () => {
    expect([0, 9_999, 60_000, 3_599_000, 3_600_000 * 2 + 60_000].map(formatElapsed)).toEqual(['0s', '9s', '1m00s', '59m59s', '2h01m']);
  });
});

describe('the live view on a terminal', () => {
  it('redraws in place, at most about 10 times a second, however many events arrive', () => {
    const term = new FakeTerminal(100, 40);
    const view = liveView({ terminal: term, style: plainStyle, verbose: false });
    const imgs = names(30);
    start(view.observer, imgs);
    for (let t = 0; t < 20; t++) {
      for (const i of imgs) {
        view.observer.stageQueued?.({ stage: `build-${i}` });
        vi.advanceTimersByTime(1); // 600 events over 0.6 s
      }
    }
    vi.advanceTimersByTime(1000);
    const frames = term.writes.filter((w) => w.includes('fipsyard run-1'));
    expect(frames.length).toBeGreaterThan(1);
    expect(frames.length).toBeLessThanOrEqual(8);
    expect(term.maxUp).toBeLessThanOrEqual(39);
    expect(term.text().filter((l) => l.startsWith('fipsyard run-1'))).toHaveLength(1);
  });

  it('prints build output above the view without breaking it, and leaves a final frame when stopped', () => {
    const term = new FakeTerminal(100, 12);
    const view = liveView({ terminal: term, style: plainStyle, verbose: true });
    const imgs = names(30);
    start(view.observer, imgs);
    begin(view.observer, 'build-img-0000');
    for (let n = 0; n < 50; n++) {
      view.observer.buildLog?.({ stage: 'build-img-0000', line: `step ${n}\x1b[31m red\r` });
      vi.advanceTimersByTime(7);
    }
    end(view.observer, 'build-img-0000', 'failed', { reason: 'exit 1' });
    view.observer.notice?.('no worker is connected');
    vi.advanceTimersByTime(500);
    view.stop('failed');
    vi.advanceTimersByTime(5000);

    const lines = term.text();
    const logs = lines.filter((l) => l.includes('| build-img-0000: step'));
    expect(logs).toEqual(Array.from({ length: 50 }, (_, n) => `  | build-img-0000: step ${n} red`));
    expect(lines.filter((l) => l === 'FAIL build-img-0000: exit 1')).toHaveLength(1);
    expect(lines.filter((l) => l === 'note: no worker is connected')).toHaveLength(1);
    // One frame, the last thing on the terminal: header first, nothing after its count line.
    const headers = lines.map((l, i) => (l.startsWith('fipsyard run-1') ? i : -1)).filter((i) => i >= 0);
    expect(headers).toHaveLength(1);
    expect(lines[headers[0]!]).toContain('fipsyard run-1 failed');
    expect(lines.length - headers[0]!).toBe(11);
    expect(lines.at(-1)).toMatch(/^… \d+ more/);
    expect(term.cursorHidden).toBe(false);
    const writes = term.writes.length;
    vi.advanceTimersByTime(5000);
    expect(term.writes.length).toBe(writes);
  });

  it('follows a resize: the frame is redrawn for the new height and width', () => {
    const term = new FakeTerminal(120, 40);
    const view = liveView({ terminal: term, style: plainStyle, verbose: false });
    start(view.observer, names(30));
    vi.advanceTimersByTime(200);
    expect(term.text()).toHaveLength(31);
    term.resize(60, 10);
    expect(term.text()).toHaveLength(9);
    for (const l of term.text()) expect(l.length).toBeLessThanOrEqual(59);
    term.resize(120, 50);
    expect(term.text()).toHaveLength(31);
    view.stop();
  });

  it('lets other writes to the terminal (stderr) through above the view, and ends a cancelled run with what was skipped', () => {
    const term = new FakeTerminal(80, 24);
    const view = liveView({ terminal: term, style: plainStyle, verbose: false });
    start(view.observer, names(3));
    vi.advanceTimersByTime(200);
    view.around(() => term.write('SIGINT: cancelling run run-1\n'));
    vi.advanceTimersByTime(200);
    view.stop('cancelled');
    // What had not run when the run was cancelled shows as skipped, as in the report.
    expect(term.text()).toEqual([
      'SIGINT: cancelling run run-1',
      'fipsyard run-1 cancelled  0s  0 running · 0 queued · 6/6 done (6 skipped)',
      '  skipped  img-0000         build: cancelled',
      '  skipped  img-0001         build: cancelled',
      '  skipped  img-0002         build: cancelled',
    ]);
  });

  it('counts elapsed time with the clock, and redraws every second while nothing else happens', () => {
    const term = new FakeTerminal(80, 24);
    const view = liveView({ terminal: term, style: plainStyle, verbose: false });
    start(view.observer, ['base']);
    begin(view.observer, 'build-base');
    vi.advanceTimersByTime(61_050);
    expect(term.text()).toEqual(['fipsyard run-1  1m01s  1 running · 1 queued · 0/2 done', '  building base  1m01s']);
    view.stop();
  });
});

describe('JSON lines', () => {
  it('writes one parseable object per event, cached included, ending with the reports and exit code', () => {
    const lines: string[] = [];
    const o = jsonLinesObserver({ write: (l) => lines.push(l), logs: true, now: () => new Date(Date.now()) });
    start(o, ['base', 'py']);
    o.stageQueued?.({ stage: 'build-base' });
    begin(o, 'build-base');
    o.buildLog?.({ stage: 'build-base', line: 'Step 1/3 "quoted"\n' });
    vi.advanceTimersByTime(1500);
    end(o, 'build-base');
    end(o, 'test-base', 'succeeded', { cached: true });
    end(o, 'build-py', 'failed', { reason: 'exit 1' });
    o.notice?.('a note');
    o.runFinished?.({ runId: 'run-1', status: 'failed' });
    o.finished({ runId: 'run-1', status: 'failed', exitCode: 1, reports: { dir: '/r', json: '/r/report.json', junit: '/r/junit.xml', sarif: '/r/results.sarif', evidence: '/r/evidence' } });

    const events = lines.map((l) => {
      expect(l).not.toContain('\n');
      return JSON.parse(l) as Record<string, unknown>;
    });
    expect(events.map((e) => e['type'])).toEqual(['run-started', 'stage-queued', 'stage-started', 'log', 'stage-finished', 'stage-finished', 'stage-finished', 'notice', 'run-finished']);
    expect(events[0]).toMatchObject({ runId: 'run-1', images: ['base', 'py'], time: '1970-01-01T00:00:00.000Z' });
    expect(events[4]).toMatchObject({ stage: 'build-base', kind: 'build', image: 'base', status: 'succeeded', cached: false, durationMs: 1500 });
    expect(events[5]).toMatchObject({ stage: 'test-base', status: 'succeeded', cached: true });
    expect(events[6]).toMatchObject({ stage: 'build-py', status: 'failed', reason: 'exit 1', cached: false });
    expect(events[8]).toMatchObject({ type: 'run-finished', status: 'failed', exitCode: 1, reports: { json: '/r/report.json' } });
  });

  it('leaves build output out unless asked for', () => {
    const lines: string[] = [];
    const o = jsonLinesObserver({ write: (l) => lines.push(l), logs: false });
    o.buildLog?.({ stage: 'build-base', line: 'x' });
    expect(lines).toEqual([]);
  });

  it('keeps stdout to itself: the command\'s human output goes to stderr', () => {
    const { stdout, stderr, out } = capture(ansiStyle);
    const p = openProgress('json', { out, verbose: false });
    start(p.observer, ['base']);
    p.out.line('summary');
    p.finished({ runId: 'run-1', status: 'passed', exitCode: 0 });
    for (const l of stdout) expect(() => JSON.parse(l)).not.toThrow();
    expect(stderr).toEqual(['summary']);
  });
});

describe('plain progress', () => {
  it('never writes an escape sequence, even on a colour terminal and with escapes in build output', () => {
    const { stdout, out } = capture(ansiStyle);
    const p = openProgress('plain', { out, verbose: true });
    start(p.observer, ['base', 'py']);
    begin(p.observer, 'build-base');
    p.observer.buildLog?.({ stage: 'build-base', line: '\x1b[1;31mred\x1b[0m \x1b]0;title\x07done' });
    end(p.observer, 'build-base');
    end(p.observer, 'test-base', 'succeeded', { cached: true });
    end(p.observer, 'build-py', 'failed', { reason: 'exit 1' });
    p.observer.notice?.('note');
    p.out.line(p.out.style.bold('summary'));
    p.stop('failed');
    expect(stdout.join('\n')).not.toMatch(/[\x1b\x07]/);
    expect(stdout).toContain('         | build-base: red done');
    expect(stdout.find((l) => l.includes('test  base'))).toMatch(/ok {3}test {2}base succeeded, cached/);
  });
});

describe('choosing the progress mode', () => {
  it('is the live view on a terminal and plain lines elsewhere; --json is short for --progress json', () => {
    expect(chooseProgress('auto', false, true, 'xterm')).toBe('tty');
    expect(chooseProgress('auto', false, false, 'xterm')).toBe('plain');
    expect(chooseProgress('auto', false, true, 'dumb')).toBe('plain');
    expect(chooseProgress('plain', false, true, 'xterm')).toBe('plain');
    expect(chooseProgress('auto', true, true, 'xterm')).toBe('json');
    expect(chooseProgress('json', true, false, undefined)).toBe('json');
    let err: unknown;
    try {
      chooseProgress('tty', true, true, 'xterm');
    } catch (e) {
      err = e;
    }
    expect(isFipsyardError(err) && err.exitCode).toBe(2);
  });
});

function capture(style: Output['style']): { stdout: string[]; stderr: string[]; out: Output } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: { style, line: (t) => stdout.push(t), err: (t) => stderr.push(t) } };
}
