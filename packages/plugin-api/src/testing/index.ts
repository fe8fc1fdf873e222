export { fakeProbe, imageInfo, keyOf, notFound, ENGINE, TIMED_OUT } from './fake-probe.js';
export type { Answer, Recording, FakeProbe, FakeProbeOptions } from './fake-probe.js';
