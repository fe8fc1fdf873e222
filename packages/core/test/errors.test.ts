import { describe, expect, it } from 'vitest';
import {
  CancelledError,
  ExitCode,
  formatDiagnostic,
  InfrastructureError,
  isFipsyardError,
  isInfrastructureError,
  PipelineInvalidError,
  UsageError,
} from '../src/index.js';

describe('errors', () => {
  it('carry a code, an exit code, a hint and a cause', () => {
    const cause = new Error('ECONNREFUSED');
    const e = new InfrastructureError('redis', 'Redis unreachable', { hint: 'start it', cause });
    expect(e).toMatchObject({ code: 'REDIS_UNAVAILABLE', exitCode: ExitCode.Infrastructure, hint: 'start it', service: 'redis', name: 'InfrastructureError' });
    expect(e.cause).toBe(cause);
    expect(new UsageError('bad').exitCode).toBe(2);
    expect(new CancelledError().exitCode).toBe(130);
    expect(new PipelineInvalidError([{ severity: 'error', message: 'x' }, { severity: 'warning', message: 'y' }]).message).toBe('pipeline file is invalid (1 error)');
  });

  it('are recognised after a round trip through JSON, as when they cross Redis', () => {
    const wire = JSON.parse(JSON.stringify({ ...new InfrastructureError('docker', 'gone'), name: 'InfrastructureError', message: 'gone' })) as unknown;
    expect(isInfrastructureError(wire)).toBe(true);
    expect(isFipsyardError(wire)).toBe(true);
    expect(isInfrastructureError(new Error('x'))).toBe(false);
    expect(isFipsyardError({ code: 'X' })).toBe(false);
  });

  it('format diagnostics as file:line:col: severity: message, with the hint below', () => {
    expect(formatDiagnostic({ severity: 'error', message: 'unknown key "x"', hint: 'remove it', location: { file: 'p.yaml', line: 3, col: 5 } })).toBe('p.yaml:3:5: error: unknown key "x"\n  hint: remove it');
    expect(formatDiagnostic({ severity: 'warning', message: 'w' })).toBe('warning: w');
  });
});
