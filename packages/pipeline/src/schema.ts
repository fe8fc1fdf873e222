import { z } from 'zod';

/** Image names: also used in stage ids, job ids and container names. */
export const IMAGE_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
/** Check ids: used in reports and JUnit test names. */
export const CHECK_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const scalar = z.union([z.string(), z.number(), z.boolean()]).describe('A string; numbers and booleans are turned into strings.');

const pattern = z.union([
  z.string().describe('A JavaScript regular expression, without flags.'),
  z.strictObject({
    regex: z.string().describe('A JavaScript regular expression.'),
    flags: z.string().regex(/^[imsu]*$/).optional().describe('Any of i, m, s, u.'),
  }),
]);
const patterns = z.union([pattern, z.array(pattern)]);

export const expectSchema = z
  .strictObject({
    exitCode: z.number().int().min(0).max(255).optional().describe('Expected exit code. Default 0.'),
    stdout: patterns.optional().describe('Every pattern must match standard output.'),
    stdoutNot: patterns.optional().describe('No pattern may match standard output.'),
    stderr: patterns.optional().describe('Every pattern must match standard error.'),
    stderrNot: patterns.optional().describe('No pattern may match standard error.'),
  })
  .describe('What the command must produce.');

export const suiteCheckSchema = z
  .strictObject({
    suite: z.string().min(1).describe('Name of a built-in check suite, e.g. openssl-fips.'),
  })
  .describe('Run every check of a built-in suite.');

export const commandCheckSchema = z
  .strictObject({
    id: z.string().regex(CHECK_ID).describe('Unique within the image.'),
    title: z.string().min(1).optional().describe('Shown in reports. Default: the id.'),
    command: z.array(z.string()).min(1).optional().describe('The argv, executed without a shell.'),
    shell: z.string().min(1).optional().describe('A script run by /bin/sh -c. Use only when you need a shell.'),
    expect: expectSchema.optional(),
    timeout: z.number().positive().max(3600).optional().describe('Seconds before the check is stopped and fails. Default 60.'),
  })
  .describe('A command run inside the running container. Exactly one of command and shell.');

export const checkSchema = z.union([suiteCheckSchema, commandCheckSchema]);

export const imageSchema = z
  .strictObject({
    context: z.string().min(1).describe('Build context directory, relative to the pipeline file.'),
    dockerfile: z.string().min(1).optional().describe('Dockerfile path, relative to the context. Default Dockerfile.'),
    parent: z.string().regex(IMAGE_NAME).optional().describe('Another image of this file that this one is built on.'),
    parentArg: z.string().regex(ARG_NAME).optional().describe('Build arg receiving the parent image ID, used in FROM. Default BASE_IMAGE.'),
    args: z.record(z.string().regex(ARG_NAME), scalar).optional().describe('Build args.'),
    secretArgs: z.array(z.string().regex(ARG_NAME)).optional().describe('Names of build args never printed or reported.'),
    tags: z.array(z.string().min(1)).optional().describe('Image references applied once the image passed its checks.'),
    labels: z.record(z.string().min(1), scalar).optional().describe('Image labels.'),
    checks: z.array(checkSchema).optional().describe('Checks run inside a container of the built image.'),
  })
  .describe('One image to build and check.');

export const pipelineSchema = z
  .strictObject({
    version: z.literal(1).describe('Format version. Always 1.'),
    name: z.string().min(1).optional().describe('Pipeline name. Default: the file name.'),
    variables: z.record(z.string().regex(ARG_NAME), scalar).optional().describe('Variables with defaults; the environment and --var override them.'),
    images: z
      .record(z.string().regex(IMAGE_NAME), imageSchema)
      .refine((v) => Object.keys(v).length > 0, 'images: must declare at least one image')
      .describe('The images, by name.'),
  })
  .describe('A fipsyard pipeline.');

export type RawPipeline = z.infer<typeof pipelineSchema>;
export type RawImage = z.infer<typeof imageSchema>;
export type RawCheck = z.infer<typeof checkSchema>;
export type RawExpect = z.infer<typeof expectSchema>;

/** Keys allowed in each kind of object, for "did you mean" hints. */
export const KNOWN_KEYS = {
  pipeline: Object.keys(pipelineSchema.shape),
  image: Object.keys(imageSchema.shape),
  check: [...Object.keys(suiteCheckSchema.shape), ...Object.keys(commandCheckSchema.shape)],
  expect: Object.keys(expectSchema.shape),
  pattern: ['regex', 'flags'],
} as const;

/** The JSON Schema of pipeline.yaml, generated from the same definitions that validate it. */
export function pipelineJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(pipelineSchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  return { $id: 'https://fipsyard.dev/schema/pipeline-v1.json', title: 'fipsyard pipeline', ...schema };
}
