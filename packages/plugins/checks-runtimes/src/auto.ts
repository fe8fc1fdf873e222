import { defineSuite, type CheckDefinition } from '@fipsyard/plugin-api';
import { goSuite } from './go.js';
import { javaSuite } from './java.js';
import { nodeSuite } from './node.js';
import { pythonSuite } from './python.js';
import { rubySuite } from './ruby.js';

export const RUNTIME_SUITES = [nodeSuite, pythonSuite, javaSuite, goSuite, rubySuite] as const;

/** Detects the runtimes an image contains and runs their probes; nothing for runtimes that are absent. */
export const autoSuite = defineSuite({
  name: 'auto',
  description: 'Detects node, python, java, go and ruby in the image and applies their probes',
  checkIds: [...new Set(RUNTIME_SUITES.flatMap((s) => s.checkIds))],
  async expand(probe, options) {
    const out: CheckDefinition[] = [];
    for (const suite of RUNTIME_SUITES) {
      if (await suite.present(probe, options)) out.push(...(await suite.expand(probe, options)));
    }
    return out;
  },
});
