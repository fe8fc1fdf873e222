export { al2Suite, elSuite } from './suites.js';
export { parseOsRelease } from './os-release.js';
