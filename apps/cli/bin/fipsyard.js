#!/usr/bin/env node
// The fipsyard CLI, run from its TypeScript sources in this very process (no child process, so
// signals from a terminal or `timeout` reach it once): tsx compiles, a small resolution hook
// picks the workspace packages' source export condition.
import { register } from 'node:module';

register('./conditions-hook.mjs', import.meta.url);
await import('tsx/esm');
await import('../src/main.ts');
