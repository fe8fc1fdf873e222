import type { LogContext, Logger, LogLevel } from '@fipsyard/core';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** One structured logger writing `time level message key=value...` lines to stderr. */
export function createLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(`${l}\n`), base: LogContext = {}): Logger {
  const emit = (l: LogLevel, message: string, context?: LogContext) => {
    if (ORDER[l] < ORDER[level]) return;
    const ctx = { ...base, ...context };
    const fields = Object.entries(ctx)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(v)}`)
      .join(' ');
    write(`${new Date().toISOString()} ${l.toUpperCase().padEnd(5)} ${message}${fields ? ` ${fields}` : ''}`);
  };
  return {
    debug: (m, c) => emit('debug', m, c),
    info: (m, c) => emit('info', m, c),
    warn: (m, c) => emit('warn', m, c),
    error: (m, c) => emit('error', m, c),
    child: (c) => createLogger(level, write, { ...base, ...c }),
  };
}
