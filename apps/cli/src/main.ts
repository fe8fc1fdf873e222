import { Command, CommanderError, Option } from 'commander';
import { ExitCode, formatDiagnostic, isFipsyardError, PipelineInvalidError, UsageError } from '@fipsyard/core';
import { parseCount, parseLabels, parsePort, parseVars, readEnvConfig, type EnvConfig } from './config.js';
import { createLogger } from './logger.js';
import { processOutput, type Output } from './output.js';
import { TOOL_VERSION } from './version.js';
import { checkCommand } from './commands/check.js';
import { gcCommand } from './commands/gc.js';
import { statusCommand } from './commands/status.js';
import { planCommand } from './commands/plan.js';
import { runCommand } from './commands/run.js';
import { chooseProgress, PROGRESS_MODES, type ProgressMode } from './progress/open.js';
import { schemaCommand } from './commands/schema.js';
import { validateCommand } from './commands/validate.js';
import { workerCommand } from './commands/worker.js';
import { controllerCommand } from './commands/controller.js';
import { fleetStatusCommand } from './commands/fleet.js';

const collect = (v: string, prev: string[]) => [...prev, v];

function program(cfg: EnvConfig, out: Output, setCode: (c: number) => void): Command {
  const log = createLogger(cfg.logLevel);
  const p = new Command('fipsyard')
    .description('Build a FIPS base image and the images on it with Docker, and prove FIPS mode inside each running container.')
    .version(TOOL_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });
  const varOption = () => new Option('--var <NAME=VALUE>', 'set a pipeline variable (repeatable)').argParser(collect).default([]);
  const labelOption = (who: string) => new Option('--label <NAME=VALUE>', `a label ${who} advertise besides arch, os and fips-host (repeatable), e.g. fips-host=true`).argParser(collect).default([]);
  const rootOption = () => new Option('--root <dir>', 'build contexts must stay inside this directory (default: the git repository of the pipeline file, else its directory)');

  p.command('run')
    .description('validate, plan, build and check every image of FILE; write report.json and junit.xml')
    .argument('[file]', 'pipeline file, e.g. pipelines/fips.yaml')
    .option('--resume <runId>', 'follow and finish a run already in Redis (REDIS_URL), e.g. after the controller died')
    .addOption(varOption())
    .addOption(rootOption())
    .option('-w, --workers <n>', 'in-process workers (0: only remote workers on REDIS_URL)', '2')
    .option('--report-dir <dir>', 'where to write the report (default .fipsyard/runs/<runId>/)')
    .option('-v, --verbose', 'show build output', false)
    .addOption(labelOption('the in-process workers'))
    .addOption(new Option('--progress <mode>', 'auto: a live view on a terminal, else plain lines; tty; plain; json: JSON lines on stdout').choices(PROGRESS_MODES).default('auto'))
    .option('--json', 'stream run events as JSON lines on stdout, human output on stderr (same as --progress json)', false)
    .option('--no-cache', 'build and check every image again, without the engine\'s layer cache (default: reuse images and verdicts whose inputs are unchanged)')
    .option('--registry <host[:port][/path]>', 'registry mode: push every built image there, pull by digest where needed, push tags once checks pass (overrides registry: in the file)')
    .action(async (file: string | undefined, o: { var: string[]; workers: string; reportDir?: string; verbose: boolean; root?: string; resume?: string; cache: boolean; progress: ProgressMode; json: boolean; label: string[]; registry?: string }) => {
      const workers = parseCount(o.workers, '--workers');
      const progress = chooseProgress(o.progress, o.json, process.stdout.isTTY === true, cfg.env['TERM']);
      const opts = { vars: parseVars(o.var), workers, verbose: o.verbose, noCache: !o.cache, progress, ...(o.registry !== undefined ? { registry: o.registry } : {}), ...(file ? { file } : {}), ...(o.resume ? { resume: o.resume } : {}), ...(o.reportDir ? { reportDir: o.reportDir } : {}), ...(o.root ? { root: o.root } : {}) };
      setCode(await runCommand({ ...opts, labels: parseLabels(o.label) }, cfg, out, log));
    });

  p.command('check')
    .description('run the checks on images that already exist (no pipeline file); write the same reports')
    .argument('<image...>', 'local image references or IDs')
    .option('--checks <suites>', 'comma-separated suites', 'fips,auto')
    .option('--report-dir <dir>', 'where to write the report (default .fipsyard/runs/<runId>/)')
    .action(async (images: string[], o: { checks: string; reportDir?: string }) => {
      const suites = o.checks.split(',').map((x) => x.trim()).filter(Boolean);
      if (suites.length === 0) throw new UsageError('--checks names no suite', { hint: 'e.g. --checks fips,auto' });
      setCode(await checkCommand({ images, suites, ...(o.reportDir ? { reportDir: o.reportDir } : {}) }, cfg, out, log));
    });

  p.command('status')
    .description('show where a run stands (reads REDIS_URL)')
    .argument('<runId>')
    .action(async (runId: string) => setCode(await statusCommand(runId, cfg, out)));

  p.command('gc')
    .description('remove containers (and with --images, untagged images) that fipsyard runs left behind')
    .option('--images', 'also remove untagged images built by fipsyard', false)
    .option('--run <runId>', 'only the containers of this run')
    .action(async (o: { images: boolean; run?: string }) => setCode(await gcCommand({ images: o.images, ...(o.run ? { run: o.run } : {}) }, cfg, out, log)));

  p.command('validate')
    .description('check FILE as `run` would, without running anything')
    .argument('<file>')
    .addOption(varOption())
    .addOption(rootOption())
    .action(async (file: string, o: { var: string[]; root?: string }) => setCode(await validateCommand(file, parseVars(o.var), cfg, out, o.root)));

  p.command('plan')
    .description('show the build and test stages of FILE and what each waits for')
    .argument('<file>')
    .addOption(varOption())
    .addOption(rootOption())
    .option('--json', 'print the normalized pipeline and stages as JSON', false)
    .action(async (file: string, o: { var: string[]; json: boolean; root?: string }) => setCode(await planCommand(file, parseVars(o.var), o.json, cfg, out, o.root)));

  p.command('worker')
    .description('run a standalone worker on REDIS_URL until stopped')
    .option('-c, --concurrency <n>', 'stages of each kind at once', '1')
    .option('--name <name>', 'worker name shown in reports')
    .addOption(labelOption('this worker should'))
    .action(async (o: { concurrency: string; name?: string; label: string[] }) => {
      const concurrency = parseCount(o.concurrency, '--concurrency');
      if (concurrency < 1) throw new UsageError('--concurrency must be at least 1');
      setCode(await workerCommand({ concurrency, labels: parseLabels(o.label), ...(o.name ? { name: o.name } : {}) }, { ...cfg, logLevel: cfg.logLevel === 'warn' ? 'info' : cfg.logLevel }, out, createLogger(cfg.logLevel === 'warn' ? 'info' : cfg.logLevel)));
    });

  const fleet = p.command('fleet').description('the worker fleet on REDIS_URL');
  fleet
    .command('status')
    .description('workers seen (labels, running stages, last heartbeat), queue depths, runs in progress')
    .option('--json', 'print it as JSON (the same document as the controller\'s GET /fleet)', false)
    .action(async (o: { json: boolean }) => setCode(await fleetStatusCommand(o, cfg, out)));

  p.command('controller')
    .description('the fleet controller: keeps running runs moving without a CLI following them; serves GET /healthz and GET /fleet')
    .option('-p, --port <port>', 'HTTP port (default FIPSYARD_CONTROLLER_PORT, else 8080)')
    .option('--host <address>', 'address to listen on (0.0.0.0: every interface, as in a container)', '0.0.0.0')
    .action(async (o: { port?: string; host: string }) => {
      const port = o.port === undefined ? cfg.controllerPort : parsePort(o.port, '--port');
      const level = cfg.logLevel === 'warn' ? 'info' : cfg.logLevel;
      setCode(await controllerCommand({ port, host: o.host }, cfg, out, createLogger(level)));
    });

  p.command('schema')
    .description('print the JSON Schema of pipeline files')
    .action(() => setCode(schemaCommand(out)));
  return p;
}

/** The one error handler: user errors say what, where and how to fix; bugs print their stack. */
function report(err: unknown, out: Output): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : ExitCode.Invalid;
  if (err instanceof PipelineInvalidError || (isFipsyardError(err) && err.code === 'PIPELINE_INVALID')) {
    const diags = (err as PipelineInvalidError).diagnostics ?? [];
    for (const d of diags) out.err(formatDiagnostic(d));
    out.err(`${diags.filter((d) => d.severity === 'error').length} error(s); nothing was run`);
    return ExitCode.Invalid;
  }
  if (isFipsyardError(err)) {
    out.err(`error: ${err.message}`);
    if (err.hint) out.err(`  hint: ${err.hint}`);
    return err.exitCode;
  }
  out.err(`internal error (a bug in fipsyard; please report it):`);
  out.err(err instanceof Error ? (err.stack ?? err.message) : String(err));
  return 70;
}

async function main(): Promise<void> {
  const out = processOutput(process.stdout.isTTY === true);
  let code = 0;
  try {
    const cfg = readEnvConfig(process.env, process.stdout.isTTY === true);
    const p = program(cfg, processOutput(cfg.color), (c) => (code = c));
    await p.parseAsync(process.argv);
  } catch (err) {
    code = report(err, out);
  }
  // Leftover sockets (a Redis that went away, a hung Docker call) must not keep the process alive,
  // but what was written to a pipe must get out first.
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

void main();
