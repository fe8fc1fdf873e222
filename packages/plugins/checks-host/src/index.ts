export { hostSuite, kernelFlagCheck, hostFactsCheck } from './suite.js';
