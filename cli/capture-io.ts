import type { CliIo } from './io.ts';

export interface CapturedIo extends CliIo {
  stdout: string[];
  stderr: string[];
}

/** A CliIo that records what a command printed, for tests. */
export function captureIo(overrides: Partial<Pick<CliIo, 'env' | 'cwd' | 'isTTY'>> = {}): CapturedIo {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (line) => stdout.push(line),
    err: (line) => stderr.push(line),
    write: (text) => stdout.push(...text.replace(/\n$/, '').split('\n')),
    isTTY: overrides.isTTY ?? false,
    env: overrides.env ?? {},
    cwd: overrides.cwd ?? process.cwd(),
  };
}
