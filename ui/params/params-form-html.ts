import { html } from 'hono/html';
import type { Html } from '../layout.ts';
import { defaultText, RAW_PARAMS_FIELD, type ParamField, type ParamsForm } from './params-form.ts';

export interface ParamsFormState {
  /** What the person typed, shown again after a refused submit. */
  values?: Readonly<Record<string, string | undefined>>;
  /** Messages by field name; `(root)` for those about the params as a whole. */
  errors?: Readonly<Record<string, readonly string[]>>;
}

/** The Trigger form's fields: one per param, its default as placeholder, its errors under it. */
export function renderParamsFields(form: ParamsForm, state: ParamsFormState = {}): Html {
  const rootErrors = state.errors?.['(root)'] ?? [];
  const root = rootErrors.length > 0 ? html`<ul class="field-errors" data-field="(root)">${rootErrors.map((message) => html`<li>${message}</li>`)}</ul>` : '';
  if (form.rawJson) {
    const field: ParamField = { name: RAW_PARAMS_FIELD, input: 'json', required: false };
    return html`${root}${fieldBlock(field, 'params (JSON object)', state)}`;
  }
  if (form.fields.length === 0) return html`${root}<p class="muted">This DAG takes no params.</p>`;
  return html`${root}${form.fields.map((field) => fieldBlock(field, field.name, state))}`;
}

function fieldBlock(field: ParamField, label: string, state: ParamsFormState): Html {
  const errors = state.errors?.[field.name] ?? [];
  const value = state.values?.[field.name] ?? '';
  const fallback = defaultText(field);
  const hint = field.default !== undefined ? html`<span class="muted small">default <code>${fallback}</code></span>` : field.required ? html`<span class="muted small">required</span>` : html`<span class="muted small">optional</span>`;
  return html`<div class="param-field${errors.length > 0 ? ' invalid' : ''}" data-field="${field.name}">
<label for="param-${field.name}"><span class="param-name">${label}</span> <span class="muted small">${field.input}</span> ${hint}</label>
${input(field, value, fallback)}
${field.description ? html`<div class="muted small">${field.description}</div>` : ''}
${errors.length > 0 ? html`<ul class="field-errors" data-field="${field.name}">${errors.map((message) => html`<li>${message}</li>`)}</ul>` : ''}
</div>`;
}

function input(field: ParamField, value: string, fallback: string): Html {
  const id = `param-${field.name}`;
  switch (field.input) {
    case 'select':
    case 'boolean': {
      const options = field.input === 'boolean' ? ['true', 'false'] : (field.options ?? []);
      return html`<select id="${id}" name="${field.name}"><option value="">${fallback ? `(default: ${fallback})` : '(not set)'}</option>${options.map((option) => html`<option value="${option}" ${option === value ? 'selected' : ''}>${option}</option>`)}</select>`;
    }
    case 'json':
      return html`<textarea id="${id}" name="${field.name}" rows="2" placeholder="${fallback}" spellcheck="false">${value}</textarea>`;
    case 'number':
    case 'integer':
      return html`<input id="${id}" type="text" inputmode="decimal" name="${field.name}" value="${value}" placeholder="${fallback}">`;
    default:
      return html`<input id="${id}" type="text" name="${field.name}" value="${value}" placeholder="${fallback}">`;
  }
}
