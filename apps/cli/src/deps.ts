// What the commands use from the inner packages, in one place.
export { CancelledError, ExitCode, formatDiagnostic, type Logger } from '@fipsyard/core';
export { LABELS } from '@fipsyard/plugin-api';
