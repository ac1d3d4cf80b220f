import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { weirEnvSchema } from './schema.ts';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('the README configuration tables', () => {
  it('list every variable of the schema', () => {
    const configuration = README.slice(README.indexOf('## Configuration'));
    const listed = (variable: string) => configuration.split('\n').some((line) => line.startsWith('|') && line.includes(`\`${variable}\``));
    expect(Object.keys(weirEnvSchema.shape).filter((variable) => !listed(variable))).toEqual([]);
  });
});
