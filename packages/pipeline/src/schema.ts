import { z } from 'zod';
import { LABEL_NAME } from '@fipsyard/core';

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

/** Worker labels a stage needs; see docs/pipeline.md "Where stages run". */
const requires = z
  .record(z.string().regex(LABEL_NAME, 'label names use letters, digits, ".", "_", "-", "/" (e.g. fips-host)'), scalar)
  .describe('Worker labels required, label -> exact value, e.g. { fips-host: "true", arch: amd64 }.');

const meta = {
  requires: requires.optional().describe("Worker labels the image's test stage needs to run this check (added to the image's requires)."),
  severity: z.enum(['required', 'information']).optional().describe('information results never fail a run. Default required.'),
  controls: z.array(z.string().min(1)).optional().describe('Control ids, e.g. "NIST 800-53 SC-13".'),
  rationale: z.string().min(1).optional().describe('Why the check matters, for auditors.'),
};

export const suiteCheckSchema = z
  .strictObject({
    suite: z.string().min(1).describe('Name of a check suite: fips, openssl3, module-status, host, al2, el, node, python, java, go, ruby, auto, or one from a plugin.'),
    options: z.record(z.string(), z.unknown()).optional().describe('Suite options, e.g. { paths: [/usr/local/bin/app] } for go.'),
    ...meta,
  })
  .describe('Run every check of a suite.');

const MODE = /^0?[0-7]{3,4}$/;

export const fileSpecSchema = z.strictObject({
  path: z.string().regex(/^\//, 'must be an absolute path').describe('Absolute path inside the image.'),
  exists: z.boolean().optional().describe('Default true; false: the path must be absent.'),
  type: z.enum(['file', 'dir', 'symlink']).optional(),
  mode: z.string().regex(MODE, 'must be octal permission bits in quotes, e.g. "0644"').optional().describe('Exact permission bits, quoted: "0644".'),
  contains: patterns.optional().describe('Every pattern must match the content.'),
  notContains: patterns.optional().describe('No pattern may match the content.'),
});

export const envSpecSchema = z.strictObject({
  name: z.string().regex(ARG_NAME).describe('Variable name.'),
  equals: z.string().optional(),
  matches: pattern.optional(),
  absent: z.boolean().optional().describe('true: the variable must not be set.'),
});

export const metadataSpecSchema = z.strictObject({
  user: pattern.optional().describe('Pattern the configured user must match ("" is root).'),
  entrypoint: z.array(z.string()).optional(),
  cmd: z.array(z.string()).optional(),
  workdir: z.string().optional(),
  labels: z.record(z.string().min(1), pattern).optional().describe('Label name -> pattern its value must match.'),
  exposedPorts: z.array(z.string().regex(/^\d+\/(tcp|udp|sctp)$/, 'write ports as 8080/tcp')).optional().describe('Exactly these exposed ports.'),
});

export const customCheckSchema = z
  .strictObject({
    id: z.string().regex(CHECK_ID).describe('Unique within the image, inherited checks included.'),
    title: z.string().min(1).optional().describe('Shown in reports. Default: the id.'),
    ...meta,
    command: z.array(z.string()).min(1).optional().describe('The argv, executed without a shell.'),
    shell: z.string().min(1).optional().describe('A script run by /bin/sh -c. Use only when you need a shell.'),
    expect: expectSchema.optional(),
    file: fileSpecSchema.optional().describe('A file check (works without a shell in the image).'),
    env: envSpecSchema.optional().describe('An environment variable of the image configuration.'),
    metadata: metadataSpecSchema.optional().describe('Image metadata: user, entrypoint, cmd, workdir, labels, exposed ports.'),
    timeout: z.number().positive().max(3600).optional().describe('Seconds before the check is stopped and fails. Default 60.'),
  })
  .describe('A custom check: exactly one of command, shell, file, env, metadata.');

/** Kept for the error messages' key lists. */
export const commandCheckSchema = customCheckSchema;

export const checkSchema = z.union([suiteCheckSchema, customCheckSchema]);

export const waiverSchema = z.strictObject({
  check: z.string().min(1).describe('Id of the check the waiver applies to.'),
  reason: z.string().min(10, 'give a reason of at least 10 characters').describe('Why the failure or skip is accepted.'),
  expires: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'write the date as YYYY-MM-DD').describe('Last day the waiver holds (UTC), YYYY-MM-DD.'),
});

const combination = z.record(z.string().regex(ARG_NAME), scalar);

export const matrixSchema = z
  .object({
    include: z.array(combination).optional().describe('Extra combinations, each giving a value for every axis.'),
    exclude: z.array(combination).optional().describe('Combinations left out: an entry drops every combination with all of its values (it may name some axes only).'),
  })
  .catchall(z.array(scalar).min(1).describe('An axis: a name used as ${matrix.NAME}, and its values.'))
  .describe('Build one image per combination of the axes (cartesian product). ${matrix.AXIS} in any string value of the image is replaced per variant.');

export const imageSchema = z
  .strictObject({
    name: z.string().min(1).optional().describe('Matrix images only: the name of each variant, with ${matrix.AXIS} references. Default: the key, then each value, joined by "-".'),
    matrix: matrixSchema.optional(),
    context: z.string().min(1).describe('Build context directory, relative to the pipeline file.'),
    dockerfile: z.string().min(1).optional().describe('Dockerfile path, relative to the context. Default Dockerfile.'),
    parent: z.string().regex(IMAGE_NAME).optional().describe('Another image of this file that this one is built on.'),
    parentArg: z.string().regex(ARG_NAME).optional().describe('Build arg receiving the parent image ID, used in FROM. Default BASE_IMAGE.'),
    args: z.record(z.string().regex(ARG_NAME), scalar).optional().describe('Build args.'),
    secretArgs: z.array(z.string().regex(ARG_NAME)).optional().describe('Names of build args never printed or reported.'),
    tags: z.array(z.string().min(1)).optional().describe('Image references applied once the image passed its checks.'),
    labels: z.record(z.string().min(1), scalar).optional().describe('Image labels.'),
    checks: z.array(checkSchema).optional().describe('Checks run inside a container of the built image; a derived image runs its parent\'s too.'),
    waivers: z.array(waiverSchema).optional().describe('Accepted failures or skips, each with a reason and an expiry date.'),
    requires: requires.optional().describe('Worker labels its build and test stages need, e.g. { fips-host: "true" }. Not inherited by derived images.'),
    checkUser: z.string().regex(/^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?$/, 'write a user as name, uid or uid:gid').optional().describe("User the check container runs as, e.g. 65534:65534. Default: the image's USER."),
    timeouts: z
      .strictObject({
        build: z.number().positive().max(24 * 3600).optional().describe('Seconds before the build is stopped and fails. Default 3600.'),
        test: z.number().positive().max(24 * 3600).optional().describe('Seconds for all checks of the image together. Default 1800.'),
      })
      .optional(),
  })
  .describe('One image to build and check.');

export const pipelineSchema = z
  .strictObject({
    version: z.literal(1).describe('Format version. Always 1.'),
    name: z.string().min(1).optional().describe('Pipeline name. Default: the file name.'),
    variables: z.record(z.string().regex(ARG_NAME), scalar).optional().describe('Variables with defaults; the environment and --var override them.'),
    plugins: z.array(z.string().min(1)).optional().describe('Check plugin modules: paths relative to this file, or npm package names.'),
    registry: z
      .string()
      .regex(/^[a-z0-9.-]+(:\d{1,5})?(\/[a-z0-9._-]+)*$/, 'write host[:port][/path], e.g. 127.0.0.1:5000 or registry.example/fips')
      .optional()
      .describe('Registry mode: each built image is pushed here, derived builds and test stages pull by digest, and tags are pushed once the image passed. --registry overrides it.'),
    images: z
      .record(z.string().regex(IMAGE_NAME), imageSchema)
      .refine((v) => Object.keys(v).length > 0, 'images: must declare at least one image')
      .describe('The images, by name.'),
  })
  .describe('A fipsyard pipeline.');

export type RawPipeline = z.infer<typeof pipelineSchema>;
export type RawImage = z.infer<typeof imageSchema>;
export type RawMatrix = z.infer<typeof matrixSchema>;
export type RawCheck = z.infer<typeof checkSchema>;
export type RawExpect = z.infer<typeof expectSchema>;

/** Keys allowed in each kind of object, for "did you mean" hints. */
export const KNOWN_KEYS = {
  pipeline: Object.keys(pipelineSchema.shape),
  image: Object.keys(imageSchema.shape),
  check: [...new Set([...Object.keys(suiteCheckSchema.shape), ...Object.keys(customCheckSchema.shape)])],
  expect: Object.keys(expectSchema.shape),
  file: Object.keys(fileSpecSchema.shape),
  env: Object.keys(envSpecSchema.shape),
  metadata: Object.keys(metadataSpecSchema.shape),
  waiver: Object.keys(waiverSchema.shape),
  pattern: ['regex', 'flags'],
} as const;

/** The JSON Schema of pipeline.yaml, generated from the same definitions that validate it. */
export function pipelineJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(pipelineSchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  return { $id: 'https://fipsyard.dev/schema/pipeline-v1.json', title: 'fipsyard pipeline', ...(allowReferences(schema) as Record<string, unknown>) };
}

/**
 * The loader checks values after `${VAR}` and `${matrix.AXIS}` are substituted; an editor sees
 * them before. So a value holding a reference passes any pattern here (keys are never substituted).
 */
function allowReferences(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(allowReferences);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'propertyNames' ? v : k === 'pattern' && typeof v === 'string' ? `(?:${v})|\\$\\{` : allowReferences(v);
  return out;
}
