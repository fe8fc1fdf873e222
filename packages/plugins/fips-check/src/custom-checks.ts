import type { CustomCheckSpec, EnvCheckSpec, FileCheckSpec, MetadataCheckSpec, PatternSpec } from '@fipsyard/core';
import { matchPattern, metadataVerdict, slowPatternReason, type CheckDefinition, type CheckVerdict, type ProbeContext } from '@fipsyard/plugin-api';
import { commandCheck } from './command-check.js';

const show = (p: PatternSpec) => `/${p.source}/${p.flags}`;
const octal = (n: number) => `0${n.toString(8).padStart(3, '0')}`;

/** Adds to `problems` why `what` (`text`) fails pattern `p`, which it must or must not match; a timed-out match always fails. */
function judge(problems: string[], p: PatternSpec, text: string, want: 'match' | 'no-match', what: string): void {
  const outcome = matchPattern(p, text);
  if (outcome === 'timeout') problems.push(`${what}: ${slowPatternReason(p)}`);
  else if (outcome !== want) problems.push(want === 'match' ? `${what} does not match ${show(p)}` : `${what} matches ${show(p)}, which it must not`);
}

/** Files are read through the engine's archive API: works in images without a shell. */
export function fileCheck(spec: FileCheckSpec): CheckDefinition {
  return {
    id: spec.id,
    title: spec.title,
    async run(probe: ProbeContext): Promise<CheckVerdict> {
      const st = await probe.stat(spec.path);
      const facts = st ? `${spec.path}: ${st.type}, mode ${octal(st.mode)}, ${st.size} bytes${st.linkTarget ? ` -> ${st.linkTarget}` : ''}` : `${spec.path}: absent`;
      if (!spec.exists) return st ? metadataVerdict('fail', `${spec.path} exists (${st.type}) but must be absent`, facts) : metadataVerdict('pass', `${spec.path} is absent`, facts);
      if (!st) return metadataVerdict('fail', `${spec.path} does not exist`, facts);
      const problems: string[] = [];
      if (spec.type && st.type !== spec.type) problems.push(`is a ${st.type}, not a ${spec.type}`);
      if (spec.mode !== undefined && st.mode !== spec.mode) problems.push(`has mode ${octal(st.mode)}, not ${octal(spec.mode)}`);
      let content = '';
      if (spec.contains.length || spec.notContains.length) {
        const bytes = await probe.readFile(spec.path, 4 * 1024 * 1024);
        content = bytes?.toString('utf8') ?? '';
        if (bytes === undefined) problems.push('cannot be read');
        for (const p of spec.contains) judge(problems, p, content, 'match', 'content');
        for (const p of spec.notContains) judge(problems, p, content, 'no-match', 'content');
      }
      const stdout = content ? `${facts}\n--- content\n${content.slice(0, 64 * 1024)}` : facts;
      return problems.length ? metadataVerdict('fail', `${spec.path} ${problems.join('; ')}`, stdout) : metadataVerdict('pass', facts, stdout);
    },
  };
}

export function envCheck(spec: EnvCheckSpec): CheckDefinition {
  return {
    id: spec.id,
    title: spec.title,
    async run(probe) {
      const v = probe.image.env[spec.name];
      const shown = v === undefined ? `${spec.name} is not set` : `${spec.name}=${v}`;
      if (spec.absent) return v === undefined ? metadataVerdict('pass', shown) : metadataVerdict('fail', `${shown}, but it must not be set`, shown);
      if (v === undefined) return metadataVerdict('fail', shown);
      if (spec.equals !== undefined && v !== spec.equals) return metadataVerdict('fail', `${shown}, expected ${JSON.stringify(spec.equals)}`, shown);
      const problems: string[] = [];
      if (spec.matches) judge(problems, spec.matches, v, 'match', shown);
      if (problems.length) return metadataVerdict('fail', problems.join('; '), shown);
      return metadataVerdict('pass', shown, shown);
    },
  };
}

export function metadataCheck(spec: MetadataCheckSpec): CheckDefinition {
  return {
    id: spec.id,
    title: spec.title,
    async run(probe) {
      const img = probe.image;
      const problems: string[] = [];
      const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
      if (spec.user) judge(problems, spec.user, img.user, 'match', `user ${JSON.stringify(img.user || '(root)')}`);
      if (spec.entrypoint && !same(img.entrypoint, spec.entrypoint)) problems.push(`entrypoint ${JSON.stringify(img.entrypoint)}, expected ${JSON.stringify(spec.entrypoint)}`);
      if (spec.cmd && !same(img.cmd, spec.cmd)) problems.push(`cmd ${JSON.stringify(img.cmd)}, expected ${JSON.stringify(spec.cmd)}`);
      if (spec.workdir !== undefined && img.workingDir !== spec.workdir) problems.push(`workdir ${JSON.stringify(img.workingDir)}, expected ${JSON.stringify(spec.workdir)}`);
      for (const [k, p] of Object.entries(spec.labels)) {
        const v = img.labels[k];
        if (v === undefined) problems.push(`label ${k} is missing`);
        else judge(problems, p, v, 'match', `label ${k}=${JSON.stringify(v)}`);
      }
      if (spec.exposedPorts) {
        const have = [...img.exposedPorts].sort();
        const want = [...spec.exposedPorts].sort();
        if (!same(have, want)) problems.push(`exposed ports ${JSON.stringify(have)}, expected ${JSON.stringify(want)}`);
      }
      const stdout = JSON.stringify({ user: img.user, entrypoint: img.entrypoint, cmd: img.cmd, workdir: img.workingDir, labels: img.labels, exposedPorts: img.exposedPorts }, null, 2);
      return problems.length ? metadataVerdict('fail', problems.join('; '), stdout) : metadataVerdict('pass', 'image metadata as expected', stdout);
    },
  };
}

export function customCheck(spec: CustomCheckSpec): CheckDefinition {
  switch (spec.kind) {
    case 'command':
      return commandCheck(spec);
    case 'file':
      return fileCheck(spec);
    case 'env':
      return envCheck(spec);
    case 'metadata':
      return metadataCheck(spec);
    default: {
      const never: never = spec;
      throw new Error(`unknown check kind ${JSON.stringify(never)}`);
    }
  }
}
