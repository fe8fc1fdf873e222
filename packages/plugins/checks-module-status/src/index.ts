export { moduleStatusSuite, moduleStatusCheck } from './suite.js';
export { loadModuleTable, classify, describeStatus } from './table.js';
export type { KnownModule, ModuleTable, ModuleStatus } from './table.js';
