import { pipelineJsonSchema } from '@fipsyard/pipeline';
import type { Output } from '../output.js';

/** `fipsyard schema`: the JSON Schema of pipeline.yaml, for editors and CI linters. */
export function schemaCommand(out: Output): number {
  out.line(JSON.stringify(pipelineJsonSchema(), null, 2));
  return 0;
}
