import { ansiStyle, plainStyle, type Style } from '@fipsyard/report';

/** Where the CLI writes: results on stdout, diagnostics on stderr. */
export interface Output {
  style: Style;
  line(text: string): void;
  err(text: string): void;
}

export function processOutput(color: boolean): Output {
  return {
    style: color ? ansiStyle : plainStyle,
    line: (t) => process.stdout.write(`${t}\n`),
    err: (t) => process.stderr.write(`${t}\n`),
  };
}
