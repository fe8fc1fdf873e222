import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeError, FipsyardError, ExitCode, type PluginRef } from '@fipsyard/core';
import { defineSuite, type CheckSuite } from '@fipsyard/plugin-api';

/** A plugin module that cannot be loaded or does not export suites. */
export class PluginLoadError extends FipsyardError {
  constructor(specifier: string, message: string, cause?: unknown) {
    super('PLUGIN_LOAD', ExitCode.Invalid, `cannot load check plugin "${specifier}": ${message}`, {
      hint: 'a plugin is a path relative to the pipeline file or an installed npm package, exporting `suites`: an array of { name, description, checkIds, expand(probe, options) }',
      cause,
    });
    this.name = 'PluginLoadError';
  }
}

/** Loads the check suites of the plugins a pipeline names: local paths or npm packages. */
export async function loadPluginSuites(refs: readonly PluginRef[]): Promise<CheckSuite[]> {
  const out: CheckSuite[] = [];
  for (const ref of refs) {
    const file = resolvePluginFile(ref);
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch (err) {
      throw new PluginLoadError(ref.specifier, describeError(err), err);
    }
    const suites = (mod['suites'] ?? (mod['default'] as Record<string, unknown> | undefined)?.['suites']) as unknown;
    if (!Array.isArray(suites) || suites.length === 0) throw new PluginLoadError(ref.specifier, 'it exports no `suites` array');
    for (const s of suites) {
      try {
        out.push(defineSuite(s as CheckSuite));
      } catch (err) {
        throw new PluginLoadError(ref.specifier, describeError(err), err);
      }
    }
  }
  return out;
}

/** The module file a plugin reference names: a path from the pipeline's directory, or an npm package. */
export function resolvePluginFile(ref: PluginRef): string {
  try {
    return /^(\.{1,2}\/|\/)/.test(ref.specifier)
      ? path.resolve(ref.baseDir, ref.specifier)
      : createRequire(path.join(ref.baseDir, 'package.json')).resolve(ref.specifier);
  } catch (err) {
    throw new PluginLoadError(ref.specifier, `not found from ${ref.baseDir} (${describeError(err)})`, err);
  }
}

/** Built-in suites plus a run's plugin suites; a plugin may not replace a built-in. */
export function mergeSuites(builtin: readonly CheckSuite[], plugins: readonly CheckSuite[]): Map<string, CheckSuite> {
  const map = new Map(builtin.map((s) => [s.name, s]));
  for (const s of plugins) {
    if (map.has(s.name)) throw new PluginLoadError(s.name, `suite "${s.name}" already exists; plugin suites need names of their own`);
    map.set(s.name, s);
  }
  return map;
}
