import type { CommandCheckSpec } from '@fipsyard/core';
import { NOT_RUNNABLE, type CheckDefinition } from '@fipsyard/plugin-api';
import { unmetExpectation } from './expectations.js';

export { NOT_RUNNABLE };

/** An inline check from pipeline.yaml: run the argv, compare with what is expected. */
export function commandCheck(spec: CommandCheckSpec): CheckDefinition {
  return {
    id: spec.id,
    title: spec.title,
    async run(probe) {
      const out = await probe.exec(spec.argv, spec.timeoutMs === undefined ? {} : { timeoutMs: spec.timeoutMs });
      const evidence = { command: out.command, exitCode: out.exitCode, stdout: out.stdout, stderr: out.stderr, durationMs: out.durationMs };
      if (out.timedOut) return { ...evidence, status: 'fail', reason: `timeout: no result within ${Math.round((spec.timeoutMs ?? 60_000) / 1000)} s` };
      const e = spec.expect;
      const patterns = e.stdout.length + e.stdoutNot.length + e.stderr.length + e.stderrNot.length;
      if (out.truncated && patterns > 0) {
        // A pattern cannot be judged on output that was cut: "not found" might sit after the cut.
        return { ...evidence, status: 'fail', reason: 'output larger than 1 MiB was cut, so the output patterns cannot be judged; make the command print less' };
      }
      const unmet = unmetExpectation(spec.expect, out);
      if (unmet === undefined) return { ...evidence, status: 'pass' };
      const missing = out.exitCode !== null && NOT_RUNNABLE.has(out.exitCode) && !NOT_RUNNABLE.has(spec.expect.exitCode);
      if (missing) return { ...evidence, status: 'skip', reason: `${spec.argv[0]} cannot be run in this image (exit code ${out.exitCode}): the command check does not apply` };
      return { ...evidence, status: 'fail', reason: unmet };
    },
  };
}
