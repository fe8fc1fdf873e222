/** One parsed message of the engine's build output. */
export type BuildMessage =
  | { type: 'log'; text: string }
  | { type: 'image'; id: string }
  | { type: 'error'; message: string };

/** What every engine stream (build, push, pull) can say besides its own messages. */
export type StreamLog = { type: 'log'; text: string };
export type StreamError = { type: 'error'; message: string };

/**
 * Splits a newline-delimited JSON stream of the engine (build, push, pull) into messages, one line
 * at a time, whatever the chunk boundaries. A line that is not JSON is a log line; a failure is an
 * `error`/`errorDetail` object inside the stream (the HTTP call itself succeeds), reported first;
 * `fromObject` adds the stream's own messages for each JSON object.
 */
export class JsonLinesParser<T> {
  private buffer = '';

  constructor(private readonly fromObject: (obj: Record<string, unknown>) => T[]) {}

  push(chunk: string): (T | StreamLog | StreamError)[] {
    this.buffer += chunk;
    const lines = this.buffer.split('\n');
    this.buffer = lines.pop() ?? '';
    return lines.flatMap((l) => this.parse(l));
  }

  end(): (T | StreamLog | StreamError)[] {
    const rest = this.buffer;
    this.buffer = '';
    return this.parse(rest);
  }

  private parse(line: string): (T | StreamLog | StreamError)[] {
    const trimmed = line.trim();
    if (!trimmed) return [];
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(trimmed) as Record<string, unknown>;
    } catch {
      return [{ type: 'log', text: trimmed }];
    }
    const detail = obj['errorDetail'] as { message?: unknown } | undefined;
    const error: StreamError[] = typeof obj['error'] === 'string' || detail ? [{ type: 'error', message: String(detail?.message ?? obj['error']) }] : [];
    return [...error, ...this.fromObject(obj)];
  }
}

/** A `status` line of a stream (`<layer id>: Pushed`), or nothing. */
export function statusLine(obj: Record<string, unknown>): StreamLog[] {
  if (typeof obj['status'] !== 'string') return [];
  const id = typeof obj['id'] === 'string' ? `${obj['id']}: ` : '';
  return [{ type: 'log', text: `${id}${obj['status']}` }];
}

/** The engine's build stream: log lines, and the built image's ID in `aux.ID`. */
export class BuildStreamParser extends JsonLinesParser<BuildMessage> {
  constructor() {
    super((obj) => {
      const out: BuildMessage[] = [];
      const aux = obj['aux'] as { ID?: unknown } | undefined;
      if (aux && typeof aux.ID === 'string') out.push({ type: 'image', id: aux.ID });
      if (typeof obj['stream'] === 'string') {
        for (const l of obj['stream'].split('\n')) if (l.trim()) out.push({ type: 'log', text: l.replace(/\s+$/, '') });
      }
      return [...out, ...statusLine(obj)];
    });
  }
}

/** Errors caused by where an image comes from, not by the Dockerfile's own steps. */
export function isImageSourceError(message: string): boolean {
  return /pull access denied|manifest unknown|no such host|failed to resolve|dial tcp|i\/o timeout|TLS handshake|connection refused|repository does not exist|unauthorized: |toomanyrequests|Temporary failure in name resolution|server misbehaving/i.test(
    message,
  );
}

/** Replaces each secret value with `***` in a log line. */
export function redact(line: string, secrets: readonly string[]): string {
  let out = line;
  for (const s of secrets) if (s.length >= 3) out = out.split(s).join('***');
  return out;
}
