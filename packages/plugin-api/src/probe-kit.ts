import type { CheckVerdict, ProbeOutput } from './plugin.js';

/** Exit codes the engine and shells use for "could not run that program". */
export const NOT_RUNNABLE: ReadonlySet<number> = new Set([126, 127]);

/** The evidence part of a verdict, from an exec. */
export function evidenceOf(out: ProbeOutput): Pick<CheckVerdict, 'command' | 'exitCode' | 'stdout' | 'stderr' | 'durationMs'> {
  return { command: out.command, exitCode: out.exitCode, stdout: out.stdout, stderr: out.stderr, durationMs: out.durationMs };
}

/**
 * A verdict for an exec that did not produce an answer: a timeout fails; a program missing from
 * the image skips (the check does not apply) unless `missing` says it must fail.
 */
export function unrunnable(out: ProbeOutput, what: string, missing: 'skip' | 'fail' = 'skip'): CheckVerdict | undefined {
  if (out.timedOut) return { ...evidenceOf(out), status: 'fail', reason: `timeout: ${what} did not finish` };
  if (out.exitCode !== null && NOT_RUNNABLE.has(out.exitCode) && /not found|no such file|executable file|permission denied|cannot execute/i.test(`${out.stderr}${out.stdout}`)) {
    return { ...evidenceOf(out), status: missing, reason: `${out.command[0]} cannot be run in this image (exit code ${out.exitCode}): ${firstLine(out.stderr || out.stdout)}` };
  }
  if (out.exitCode !== null && NOT_RUNNABLE.has(out.exitCode) && out.stderr === '' && out.stdout === '') {
    return { ...evidenceOf(out), status: missing, reason: `${out.command[0]} cannot be run in this image (exit code ${out.exitCode})` };
  }
  return undefined;
}

/** A verdict built from image metadata, with nothing executed. */
export function metadataVerdict(status: CheckVerdict['status'], reason: string, stdout = ''): CheckVerdict {
  return { status, reason, command: [], exitCode: null, stdout, stderr: '', durationMs: 0 };
}

export function firstLine(s: string): string {
  return (s.trim().split(/\r?\n/)[0] ?? '').slice(0, 300);
}
