export { buildReport, reportExitCode } from './build-report.js';
export { toJUnit } from './junit.js';
export { renderSummary, ansiStyle, plainStyle } from './terminal.js';
export type { Style } from './terminal.js';
export { writeReport } from './write.js';
export type { WrittenReport } from './write.js';
export type { RunReport, RunSnapshot, StageSnapshot, ReportStage, ReportImage, ReportCheck, ReportStageStatus } from './model.js';
