import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/fipsyard.js', import.meta.url));
/** The private Redis snapshot of test runs: never the user's own (~/.cache/fipsyard/state). */
export const STATE_DIR = path.join(tmpdir(), `fipsyard-test-state-${process.pid}`);

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the real `fipsyard` command as a user would, from the repository root. */
export function fipsyard(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 600_000): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    // Tests start from a clean slate: nothing reused from earlier runs, unless a test asks for it.
    const childEnv: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', REDIS_URL: undefined, FIPSYARD_CACHE: 'off', FIPSYARD_STATE_DIR: STATE_DIR, ...env };
    for (const k of Object.keys(childEnv)) if (childEnv[k] === undefined) delete childEnv[k];
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: childEnv as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}
