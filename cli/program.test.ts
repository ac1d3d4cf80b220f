import { Command, Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS, invokedCommand } from './program.ts';

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
  });
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
