import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dag } from '../../sdk/index.ts';
import { InvalidParamsError } from '../../sdk/errors.ts';
import { validateParams } from '../../sdk/params.ts';
import { issuesByField, paramsFormOf, RAW_PARAMS_FIELD, readParamsForm } from './params-form.ts';

const schema = z.object({
  minRows: z.number().int().min(1).default(1000),
  regions: z.array(z.string()).default(['eu', 'us']),
  mode: z.enum(['fast', 'full']).default('fast'),
  batchEnd: z.string().describe('last day of the batch'),
  dryRun: z.boolean().default(false),
});
const report = dag({ id: 'report', params: schema }).task('noop', async () => 1);

function submit(values: Record<string, string>) {
  const form = paramsFormOf(schema);
  const read = readParamsForm(form, values);
  try {
    return { form, read, params: validateParams(report as never, read.params), errors: read.errors };
  } catch (error) {
    if (!(error instanceof InvalidParamsError)) throw error;
    return { form, read, params: null, errors: { ...issuesByField(form, error.issues), ...read.errors } };
  }
}

describe('paramsFormOf', () => {
  it('makes one field per param with its input, default, description and whether it is required', () => {
    expect(paramsFormOf(schema)).toEqual({
      rawJson: false,
      fields: [
        { name: 'minRows', input: 'integer', required: false, default: 1000 },
        { name: 'regions', input: 'json', required: false, default: ['eu', 'us'] },
        { name: 'mode', input: 'select', required: false, default: 'fast', options: ['fast', 'full'] },
        { name: 'batchEnd', input: 'text', required: true, description: 'last day of the batch' },
        { name: 'dryRun', input: 'boolean', required: false, default: false },
      ],
    });
  });

  it('falls back to one JSON field without a schema or with a schema that is not an object', () => {
    expect(paramsFormOf(undefined)).toEqual({ fields: [], rawJson: true });
    expect(paramsFormOf(z.union([z.object({ a: z.number() }), z.object({ b: z.number() })]))).toEqual({ fields: [], rawJson: true });
  });
});

describe('a submitted trigger form, checked by the same validation as the worker', () => {
  it('leaves empty fields to their defaults and parses numbers, booleans and JSON', () => {
    const { params, errors } = submit({ minRows: '50', regions: '["apac"]', batchEnd: '2026-01-05', dryRun: 'true', mode: '' });
    expect(errors).toEqual({});
    expect(params).toEqual({ minRows: 50, regions: ['apac'], mode: 'fast', batchEnd: '2026-01-05', dryRun: true });
  });

  it('reports every bad field under its own name', () => {
    const { params, errors } = submit({ minRows: '0.5', regions: '[oops', mode: 'slow' });
    expect(params).toBeNull();
    expect(Object.keys(errors).sort()).toEqual(['batchEnd', 'minRows', 'mode', 'regions']);
    expect(errors.regions?.[0]).toMatch(/^not valid JSON/);
    expect(errors.minRows?.[0]).toMatch(/int/i);
    expect(errors.mode?.[0]).toMatch(/fast|full/);
  });

  it('reads the single JSON field when the form cannot split the params', () => {
    const form = paramsFormOf(undefined);
    expect(readParamsForm(form, { [RAW_PARAMS_FIELD]: '{"a": 1}' })).toEqual({ params: { a: 1 }, errors: {} });
    expect(readParamsForm(form, { [RAW_PARAMS_FIELD]: '[1]' }).errors[RAW_PARAMS_FIELD]).toEqual(['params must be a JSON object']);
  });
});
