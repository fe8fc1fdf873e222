export { fakeProbe, imageInfo, keyOf, notFound, ENGINE, TIMED_OUT } from './fake-probe.js';
export type { Answer, Recording, FakeProbe, FakeProbeOptions } from './fake-probe.js';
export { noBuildCache, noRegistry } from './fake-runtime-parts.js';
