#!/usr/bin/env node
// Runs the fipsyard CLI from its TypeScript sources (no build step): one child node process with
// tsx as loader and the workspace's source export condition. Exit code and signals pass through.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');
const child = spawn(process.execPath, ['--conditions=@fipsyard/source', '--import', tsx, main, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, FIPSYARD_CLI_NAME: process.env.FIPSYARD_CLI_NAME ?? 'fipsyard' },
});
// Ctrl-C reaches the child through the terminal's process group; SIGTERM is passed on by hand.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
process.on('SIGHUP', () => child.kill('SIGHUP'));
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal === 'SIGINT' ? 'SIGTERM' : signal);
  process.exit(code ?? 1);
});
