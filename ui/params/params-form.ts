import { z } from 'zod';

/** How a param is edited in the trigger form. */
export type ParamInput = 'text' | 'number' | 'integer' | 'boolean' | 'select' | 'json';

export interface ParamField {
  name: string;
  input: ParamInput;
  required: boolean;
  description?: string;
  /** The schema's default, shown in the form; an empty field takes it. */
  default?: unknown;
  /** For `select`: the allowed values. */
  options?: string[];
}

/** The form for a DAG's params: its fields, or, when the schema is not a plain object, one JSON box. */
export interface ParamsForm {
  fields: ParamField[];
  /** True when the params are typed as one JSON object (no schema, or a schema the form cannot split). */
  rawJson: boolean;
}

/** Name of the single JSON field when the form cannot split the params. */
export const RAW_PARAMS_FIELD = '__params_json';

interface JsonSchemaNode {
  type?: string | string[];
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
  default?: unknown;
  description?: string;
  enum?: unknown[];
  anyOf?: JsonSchemaNode[];
}

/**
 * The form fields of a zod params schema, read through its JSON Schema (zod's `toJSONSchema`,
 * input side, so fields with defaults are optional and show their default).
 */
export function paramsFormOf(schema: unknown): ParamsForm {
  if (!(schema instanceof z.ZodType)) return { fields: [], rawJson: true };
  let json: JsonSchemaNode;
  try {
    json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode;
  } catch {
    return { fields: [], rawJson: true };
  }
  if (json.type !== 'object' || !json.properties) return { fields: [], rawJson: true };
  const required = new Set(json.required ?? []);
  const fields = Object.entries(json.properties).map(([name, node]) => fieldOf(name, node, required.has(name)));
  return { fields, rawJson: false };
}

function fieldOf(name: string, node: JsonSchemaNode, required: boolean): ParamField {
  const base = { name, required, ...(node.description ? { description: node.description } : {}), ...(node.default !== undefined ? { default: node.default } : {}) };
  const enumValues = node.enum ?? node.anyOf?.flatMap((option) => option.enum ?? []);
  if (enumValues && enumValues.length > 0 && enumValues.every((value) => typeof value === 'string')) return { ...base, input: 'select', options: enumValues as string[] };
  const type = Array.isArray(node.type) ? node.type.find((t) => t !== 'null') : node.type;
  switch (type) {
    case 'string':
      return { ...base, input: 'text' };
    case 'number':
      return { ...base, input: 'number' };
    case 'integer':
      return { ...base, input: 'integer' };
    case 'boolean':
      return { ...base, input: 'boolean' };
    default:
      return { ...base, input: 'json' };
  }
}

/** The params a submitted form gives, and the fields whose text could not even be read as their type. */
export interface ReadParams {
  params: Record<string, unknown>;
  errors: Record<string, string[]>;
}

/**
 * Turns submitted form text into the params object the trigger sends. An empty field is left
 * out, so the schema's default applies; numbers and JSON are parsed here, and everything else
 * (ranges, formats, required fields) is left to the DAG's own validation.
 */
export function readParamsForm(form: ParamsForm, values: Readonly<Record<string, string | undefined>>): ReadParams {
  const errors: Record<string, string[]> = {};
  if (form.rawJson) {
    const text = values[RAW_PARAMS_FIELD]?.trim() ?? '';
    if (text === '') return { params: {}, errors };
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return { params: parsed as Record<string, unknown>, errors };
      errors[RAW_PARAMS_FIELD] = ['params must be a JSON object'];
    } catch (error) {
      errors[RAW_PARAMS_FIELD] = [`not valid JSON: ${(error as Error).message}`];
    }
    return { params: {}, errors };
  }
  const params: Record<string, unknown> = {};
  for (const field of form.fields) {
    const text = values[field.name];
    if (text === undefined || text.trim() === '') continue;
    const value = parseFieldText(field, text.trim());
    if ('error' in value) errors[field.name] = [value.error];
    else params[field.name] = value.value;
  }
  return { params, errors };
}

function parseFieldText(field: ParamField, text: string): { value: unknown } | { error: string } {
  switch (field.input) {
    case 'number':
    case 'integer': {
      const number = Number(text);
      return Number.isFinite(number) ? { value: number } : { error: `"${text}" is not a number` };
    }
    case 'boolean':
      return text === 'true' || text === 'false' ? { value: text === 'true' } : { error: `"${text}" is not true or false` };
    case 'json':
      try {
        return { value: JSON.parse(text) as unknown };
      } catch (error) {
        return { error: `not valid JSON: ${(error as Error).message}` };
      }
    default:
      return { value: text };
  }
}

/**
 * Sorts the issues of `validateParams` ("field: message", "(root): message") by field, so the
 * form shows each under its own input; an issue about no known field goes under `(root)`.
 */
export function issuesByField(form: ParamsForm, issues: readonly string[]): Record<string, string[]> {
  const names = new Set(form.fields.map((field) => field.name));
  const byField: Record<string, string[]> = {};
  for (const issue of issues) {
    const colon = issue.indexOf(': ');
    const path = colon > 0 ? issue.slice(0, colon) : '';
    const top = path.split('.')[0] ?? '';
    const field = form.rawJson ? RAW_PARAMS_FIELD : names.has(top) ? top : '(root)';
    const message = field === top && path === top ? issue.slice(colon + 2) : issue;
    (byField[field] ??= []).push(message);
  }
  return byField;
}

/** How a field shows its default: JSON for anything that is not a plain string. */
export function defaultText(field: ParamField): string {
  if (field.default === undefined) return '';
  return typeof field.default === 'string' ? field.default : JSON.stringify(field.default);
}
