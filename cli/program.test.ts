import { Command, Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS, invokedCommand } from './program.ts';

/**
 * Loading every command module imports a large part of the CLI (the Temporal client and its
 * protobufs among it), each file transformed on the way. The modules keep the worker, the dev
 * stack and the task runner out of that (they load in the actions), yet on a machine busy with
 * other suites it still takes seconds, and the default 5 s of a pure-logic test is a race it can lose.
 */
const LOAD_EVERY_COMMAND_MS = 60_000;

describe('the lazy command table', () => {
  it('lists each command with the help line and description its module registers', async () => {
    const help = new Help();
    const modules = new Set(COMMANDS.map((entry) => entry.load));
    const registered = new Command('weir');
    for (const load of modules) (await load())(registered, () => {
      throw new Error('no action runs here');
    });
    const real = new Map(registered.commands.map((command) => [command.name(), { term: help.subcommandTerm(command), description: command.description() }]));
    expect([...real.keys()].sort()).toEqual(COMMANDS.map((entry) => entry.name).sort());
    for (const entry of COMMANDS) expect({ name: entry.name, ...real.get(entry.name) }).toEqual({ name: entry.name, term: entry.term, description: entry.description });
  }, LOAD_EVERY_COMMAND_MS);
});

describe('invokedCommand', () => {
  it.each([
    [['runs', 'list'], 'runs'],
    [['--dags', 'runs', 'trigger', 'x'], 'trigger'],
    [['--dags=x', '--verbose', 'models', 'list'], 'models'],
    [['help', 'runs'], 'runs'],
    [['help'], undefined],
    [['--help'], undefined],
    [['-V'], undefined],
    [[], undefined],
    [['--', 'runs'], undefined],
  ] as const)('%j invokes %s', (argv, expected) => {
    expect(invokedCommand(argv)).toBe(expected);
  });
});
