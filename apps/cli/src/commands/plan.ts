import { planStages } from '@fipsyard/pipeline';
import type { EnvConfig } from '../config.js';
import { loadOrThrow } from '../load.js';
import type { Output } from '../output.js';

/** `fipsyard plan FILE`: the stages a run would queue, in an order that respects dependencies. */
export async function planCommand(file: string, vars: Record<string, string>, json: boolean, cfg: EnvConfig, out: Output, root?: string): Promise<number> {
  const { spec } = await loadOrThrow(file, cfg.env, vars, root);
  const plan = planStages(spec.images);
  if (json) {
    const images = spec.images.map((i) => ({ ...i, args: Object.fromEntries(Object.entries(i.args).map(([k, v]) => [k, i.secretArgs.includes(k) ? '***' : v])) }));
    out.line(JSON.stringify({ pipeline: spec.file, images, stages: plan.stages }, null, 2));
    return 0;
  }
  const byName = new Map(spec.images.map((i) => [i.name, i]));
  for (const s of plan.stages) {
    const matrix = s.kind === 'build' ? byName.get(s.image)?.matrix : undefined;
    // A matrix variant says where it comes from, on its build line.
    const variant = matrix ? `  ${out.style.dim(`[${matrix.declaredAs}: ${Object.entries(matrix.values).map(([k, v]) => `${k}=${v}`).join(' ')}]`)}` : '';
    out.line(`${s.id.padEnd(32)} ${s.needs.length ? `after ${s.needs.join(', ')}` : out.style.dim('(starts at once)')}${variant}`);
  }
  return 0;
}
