/** One parsed message of the engine's build output. */
export type BuildMessage =
  | { type: 'log'; text: string }
  | { type: 'image'; id: string }
  | { type: 'error'; message: string };

/**
 * Splits a newline-delimited JSON stream of the engine (build, push, pull) into messages, one line
 * at a time, whatever the chunk boundaries: `parse` turns one complete line into messages.
 */
export class JsonLinesParser<T> {
  private buffer = '';

  constructor(private readonly parse: (line: string) => T[]) {}

  push(chunk: string): T[] {
    this.buffer += chunk;
    const lines = this.buffer.split('\n');
    this.buffer = lines.pop() ?? '';
    return lines.flatMap((l) => this.parse(l));
  }

  end(): T[] {
    const rest = this.buffer;
    this.buffer = '';
    return this.parse(rest);
  }
}

/**
 * The engine's build stream. A failed build does not fail the HTTP call: the failure is an
 * `error`/`errorDetail` object inside the stream.
 */
export class BuildStreamParser extends JsonLinesParser<BuildMessage> {
  constructor() {
    super(parseLine);
  }
}

function parseLine(line: string): BuildMessage[] {
  const trimmed = line.trim();
  if (!trimmed) return [];
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(trimmed) as Record<string, unknown>;
  } catch {
    return [{ type: 'log', text: trimmed }];
  }
  const out: BuildMessage[] = [];
  const detail = obj['errorDetail'] as { message?: unknown } | undefined;
  if (typeof obj['error'] === 'string' || detail) {
    out.push({ type: 'error', message: String(detail?.message ?? obj['error']) });
  }
  const aux = obj['aux'] as { ID?: unknown } | undefined;
  if (aux && typeof aux.ID === 'string') out.push({ type: 'image', id: aux.ID });
  if (typeof obj['stream'] === 'string') {
    for (const l of obj['stream'].split('\n')) if (l.trim()) out.push({ type: 'log', text: l.replace(/\s+$/, '') });
  }
  if (typeof obj['status'] === 'string') {
    const id = typeof obj['id'] === 'string' ? `${obj['id']}: ` : '';
    out.push({ type: 'log', text: `${id}${obj['status']}` });
  }
  return out;
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
