export { nodeSuite } from './node.js';
export { pythonSuite } from './python.js';
export { javaSuite, parseJavaProviders } from './java.js';
export type { JavaProvider } from './java.js';
export { goSuite, parseGoBuildInfo, judgeGoBinary } from './go.js';
export type { GoBuildInfo } from './go.js';
export { rubySuite } from './ruby.js';
export { autoSuite, RUNTIME_SUITES } from './auto.js';
