import { CommanderError, InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { CliError, describeError, describeErrorVerbose, exitCodeFor, UsageError } from './errors.ts';

describe('describeError', () => {
  it('keeps only the first line of a multi-line message', () => {
    expect(describeError(new Error('server did not start\n--- last lines ---\npanic: boom'))).toBe('server did not start');
  });

  it('points at the log file when the error names one', () => {
    const error = Object.assign(new Error('Temporal dev server exited\nlog tail'), { logFile: '/tmp/t.log' });
    expect(describeError(error)).toBe('Temporal dev server exited (log: /tmp/t.log)');
  });

  it("adds the reason a Temporal wrapper error hides in its cause", () => {
    const error = new Error('Workflow Update failed', { cause: new Error('task sign_off is not waiting for approval') });
    error.name = 'WorkflowUpdateFailedError';
    expect(describeError(error)).toBe('Workflow Update failed: task sign_off is not waiting for approval');
  });

  it('names the key variable, not the converter, for a payload this process cannot decrypt', () => {
    const noKey = new Error('Unknown encoding: binary/encrypted');
    noKey.name = 'ValueError';
    expect(describeError(new Error('query failed', { cause: noKey }))).toBe("the run's data is encrypted: set WEIR_PAYLOAD_KEY to read");
    const wrongKey = Object.assign(new Error('encrypted payload (key "k1") failed authentication'), { name: 'PayloadDecryptionError', keyId: 'k1' });
    expect(describeError(wrongKey)).toMatch(/^the run's data is encrypted \(sealed with key "k1"\), and WEIR_PAYLOAD_KEY does not decrypt it: /);
  });

  it('strips commander\'s "error:" prefix', () => {
    expect(describeError(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--x'"))).toBe("unknown option '--x' (see --help)");
    expect(describeError(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toBeNull();
  });

  it('describes non-errors too', () => {
    expect(describeError('plain string')).toBe('plain string');
  });
});

describe('exitCodeFor', () => {
  it('maps usage problems to 2, help to 0 and everything else to 1', () => {
    expect(exitCodeFor(new CommanderError(1, 'commander.missingArgument', 'x'))).toBe(2);
    expect(exitCodeFor(new InvalidArgumentError('bad'))).toBe(2);
    expect(exitCodeFor(new CommanderError(0, 'commander.helpDisplayed', 'x'))).toBe(0);
    expect(exitCodeFor(new UsageError('conflict'))).toBe(2);
    expect(exitCodeFor(new CliError('failed'))).toBe(1);
    expect(exitCodeFor(new TypeError('bug'))).toBe(1);
  });
});

describe('describeErrorVerbose', () => {
  it('includes the stack and the causes', () => {
    const text = describeErrorVerbose(new Error('outer', { cause: new Error('inner') }));
    expect(text).toMatch(/Error: outer\n\s+at /);
    expect(text).toMatch(/Caused by: Error: inner/);
  });
});
