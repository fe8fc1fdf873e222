import type { CheckSuite, StagePlugin } from './plugin.js';

/** Checks a plugin record's shape at load time, so a broken plugin fails at start, not mid-run. */
export function definePlugin(plugin: StagePlugin): StagePlugin {
  if (typeof plugin.name !== 'string' || plugin.name.length === 0) throw new TypeError('plugin: "name" must be a non-empty string');
  if (plugin.kind !== 'build' && plugin.kind !== 'test') throw new TypeError(`plugin ${plugin.name}: "kind" must be "build" or "test"`);
  if (typeof plugin.run !== 'function') throw new TypeError(`plugin ${plugin.name}: "run" must be a function`);
  return Object.freeze({ ...plugin });
}

export function defineSuite(suite: CheckSuite): CheckSuite {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(suite.name)) throw new TypeError(`suite "${suite.name}": name must be lowercase letters, digits and "-"`);
  if (typeof suite.expand !== 'function') throw new TypeError(`suite ${suite.name}: "expand" must be a function`);
  if (!Array.isArray(suite.checkIds)) throw new TypeError(`suite ${suite.name}: "checkIds" must list the check ids it may produce`);
  return Object.freeze({ ...suite });
}
