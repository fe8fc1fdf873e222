/** Process exit codes of the `fipsyard` command. */
export const ExitCode = {
  /** Every stage and every check passed. */
  Ok: 0,
  /** A stage or a check failed. */
  Failed: 1,
  /** Invalid pipeline file or command-line usage. */
  Invalid: 2,
  /** Docker, Redis or an image source could not be reached. */
  Infrastructure: 3,
  /** The run was cancelled (SIGINT/SIGTERM). */
  Cancelled: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A position in a source file, 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

/** One problem found in a pipeline file. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  message: string;
  /** How to fix it. */
  hint?: string;
  location?: SourceLocation;
  /** Path inside the document, e.g. `images.node-dev.parent`. */
  path?: string;
}

export function formatLocation(loc: SourceLocation | undefined): string {
  return loc ? `${loc.file}:${loc.line}:${loc.col}` : '';
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.location ? `${formatLocation(d.location)}: ` : '';
  const hint = d.hint ? `\n  hint: ${d.hint}` : '';
  return `${where}${d.severity}: ${d.message}${hint}`;
}

export interface FipsyardErrorOptions {
  hint?: string;
  cause?: unknown;
}

/**
 * Base of every error the tool expects. `code` and `name` survive a trip through Redis as JSON,
 * so guards match on them, never on `instanceof` alone.
 */
export class FipsyardError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;

  constructor(code: string, exitCode: ExitCode, message: string, options: FipsyardErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FipsyardError';
    this.code = code;
    this.exitCode = exitCode;
    this.hint = options.hint;
  }
}

/** The pipeline file is invalid; carries every diagnostic found. */
export class PipelineInvalidError extends FipsyardError {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    const n = diagnostics.filter((d) => d.severity === 'error').length;
    super('PIPELINE_INVALID', ExitCode.Invalid, `pipeline file is invalid (${n} error${n === 1 ? '' : 's'})`);
    this.name = 'PipelineInvalidError';
    this.diagnostics = diagnostics;
  }
}

/** Wrong command-line usage. */
export class UsageError extends FipsyardError {
  constructor(message: string, options: FipsyardErrorOptions = {}) {
    super('USAGE', ExitCode.Invalid, message, options);
    this.name = 'UsageError';
  }
}

export type Service = 'docker' | 'redis' | 'image-source';

/**
 * Something outside the pipeline is unreachable: the Docker Engine, Redis, or a registry an
 * image must come from. Such failures are worth retrying; assertion failures never are.
 */
export class InfrastructureError extends FipsyardError {
  readonly service: Service;
  constructor(service: Service, message: string, options: FipsyardErrorOptions = {}) {
    super(`${service.toUpperCase().replace('-', '_')}_UNAVAILABLE`, ExitCode.Infrastructure, message, options);
    this.name = 'InfrastructureError';
    this.service = service;
  }
}

/** A run was cancelled by the user. */
export class CancelledError extends FipsyardError {
  constructor(message = 'cancelled') {
    super('CANCELLED', ExitCode.Cancelled, message);
    this.name = 'CancelledError';
  }
}

function field(err: unknown, key: string): unknown {
  return typeof err === 'object' && err !== null ? (err as Record<string, unknown>)[key] : undefined;
}

export function isFipsyardError(err: unknown): err is FipsyardError {
  return err instanceof FipsyardError || (typeof field(err, 'code') === 'string' && typeof field(err, 'exitCode') === 'number');
}

export function isInfrastructureError(err: unknown): err is InfrastructureError {
  return err instanceof InfrastructureError || field(err, 'name') === 'InfrastructureError';
}

/** A short, single-line description of any thrown value. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}
