import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { html } from 'hono/html';
import { getModel, listModels, modelHistory, productionStack, promoteModel, rollbackModel, rollbackTarget, type ModelTransition, type ModelVersion } from '../../registry/index.ts';
import type { PageModule } from '../app.ts';
import { csrfField, formatUtc, renderPage, type Html } from '../layout.ts';
import { mutationDone, mutationFailed } from '../respond.ts';
import { formField, type UiEnv } from '../security.ts';

const MAX_REASON = 500;

function modelPath(name: string): string {
  return `/models/${encodeURIComponent(name)}`;
}

function formatMetric(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

function metricsHtml(metrics: Record<string, number>): Html {
  const entries = Object.entries(metrics);
  if (entries.length === 0) return html`<span class="muted">-</span>`;
  return html`<dl class="metrics">${entries.map(([key, value]) => html`<dt>${key}</dt><dd>${formatMetric(value)}</dd>`)}</dl>`;
}

function lineageHtml(version: ModelVersion): Html {
  const lineage = version.lineage;
  return html`<dl class="lineage">
<dt>run</dt><dd><a href="/runs/${encodeURIComponent(lineage.runId)}">${lineage.runId}</a></dd>
<dt>DAG</dt><dd><a href="/dags/${encodeURIComponent(lineage.dagId)}">${lineage.dagId}</a></dd>
<dt>data</dt><dd><code>${lineage.dataPath}</code><br><code class="sha" title="sha256 of the data file">${lineage.dataSha256}</code></dd>
<dt>commit</dt><dd>${lineage.gitCommit ? html`<code>${lineage.gitCommit}</code>` : html`<span class="muted">-</span>`}</dd>
</dl>`;
}

function promoteForm(c: Context<UiEnv>, name: string, version: ModelVersion): Html {
  return html`<form method="post" action="/api/models/${encodeURIComponent(name)}/promote" class="stage-action promote" data-confirm="Put ${name} v${version.version} in production?">
  ${csrfField(c)}
  <input type="hidden" name="version" value="${version.version}">
  <input type="hidden" name="idempotencyKey" value="${randomUUID()}">
  <input type="text" name="reason" required maxlength="${MAX_REASON}" placeholder="reason" aria-label="reason for promoting v${version.version}">
  <button type="submit">Promote</button>
</form>`;
}

function rollbackForm(c: Context<UiEnv>, name: string, current: number, target: number): Html {
  return html`<form method="post" action="/api/models/${encodeURIComponent(name)}/rollback" class="card stage-action rollback" data-confirm="Roll ${name} back from v${current} to v${target}?">
  ${csrfField(c)}
  <input type="hidden" name="to" value="${target}">
  <p>Roll back production from <strong>v${current}</strong> to <strong>v${target}</strong>, the version that served before it.</p>
  <input type="text" name="reason" required maxlength="${MAX_REASON}" placeholder="reason" aria-label="reason for the rollback">
  <button type="submit" class="danger">Roll back</button>
</form>`;
}

function versionRow(c: Context<UiEnv>, name: string, version: ModelVersion): Html {
  return html`<tr data-version="${version.version}" class="stage-${version.stage}">
  <td>v${version.version}</td>
  <td><span class="stage stage-${version.stage}">${version.stage}</span></td>
  <td>${formatUtc(version.createdAt)}</td>
  <td>${metricsHtml(version.metrics)}</td>
  <td>${lineageHtml(version)}</td>
  <td><code class="sha" title="${version.artifactUri}">${version.sha256.slice(0, 12)}</code></td>
  <td>${version.stage === 'production' ? html`<span class="muted">in production</span>` : promoteForm(c, name, version)}</td>
</tr>`;
}

function auditRow(step: ModelTransition): Html {
  return html`<tr data-transition-id="${step.id}">
  <td>${formatUtc(step.at)}</td><td>v${step.version}</td><td>${step.fromStage ?? '-'} → ${step.toStage}</td>
  <td>${step.action}</td><td class="actor">${step.actor}</td><td class="reason">${step.reason ?? ''}</td>
</tr>`;
}

/** The reason a person gave, or an error message for the form. */
async function reasonOf(c: Context<UiEnv>): Promise<{ reason: string } | { error: string }> {
  const reason = ((await formField(c, 'reason')) ?? '').trim();
  if (reason === '') return { error: 'give a reason: it goes into the audit trail' };
  if (reason.length > MAX_REASON) return { error: `the reason is longer than ${MAX_REASON} characters` };
  return { reason };
}

function versionField(text: string | undefined): number | undefined {
  return text !== undefined && /^\d{1,9}$/.test(text) && Number(text) >= 1 ? Number(text) : undefined;
}

export const registerModelsPage: PageModule = (app, deps, links) => {
  app.get('/models', async (c) => {
    const models = await listModels(deps.db);
    return renderPage(c, links, {
      title: 'Models',
      nav: 'models',
      body: html`<h1>Models</h1>
<table class="models">
<thead><tr><th>Model</th><th>Production</th><th>Latest</th><th>Versions</th><th>Registered</th></tr></thead>
<tbody>${
        models.length === 0
          ? html`<tr><td colspan="5" class="muted">No model registered yet: a DAG's register step adds one.</td></tr>`
          : models.map(
              (model) => html`<tr data-model="${model.name}">
  <td><a href="${modelPath(model.name)}">${model.name}</a></td>
  <td>${model.productionVersion === null ? '-' : `v${model.productionVersion}`}</td>
  <td>${model.latestVersion === null ? '-' : `v${model.latestVersion}`}</td>
  <td>${model.versions}</td><td>${formatUtc(model.createdAt)}</td>
</tr>`,
            )
      }</tbody>
</table>`,
    });
  });

  app.get('/models/:name', async (c) => {
    const name = c.req.param('name');
    const [model, trail] = await Promise.all([getModel(deps.db, name), modelHistory(deps.db, name)]);
    const current = model.versions.find((version) => version.stage === 'production')?.version ?? null;
    const target = current === null ? undefined : rollbackTarget(productionStack(trail), current);
    const aliases = Object.entries(model.aliases);
    return renderPage(c, links, {
      title: name,
      nav: 'models',
      body: html`<p class="crumbs"><a href="/models">Models</a> /</p>
<h1>${name} ${current === null ? html`<span class="muted">no version in production</span>` : html`<span class="stage stage-production">v${current} in production</span>`}</h1>
${aliases.length > 0 ? html`<p>Aliases: ${aliases.map(([alias, version]) => html`<code>${alias}</code> → v${version} `)}</p>` : ''}
${current !== null && target !== undefined ? rollbackForm(c, name, current, target) : ''}
<h2>Versions</h2>
<table class="versions">
<thead><tr><th>Version</th><th>Stage</th><th>Registered</th><th>Metrics</th><th>Lineage</th><th>sha256</th><th></th></tr></thead>
<tbody>${[...model.versions].reverse().map((version) => versionRow(c, name, version))}</tbody>
</table>
<h2>Audit trail</h2>
<p class="muted small">Append-only: every stage change, who made it and why. Newest first.</p>
<table class="audit">
<thead><tr><th>At</th><th>Version</th><th>Stage</th><th>Action</th><th>Actor</th><th>Reason</th></tr></thead>
<tbody>${[...trail].reverse().map(auditRow)}</tbody>
</table>`,
    });
  });

  app.get('/api/models/:name', async (c) => {
    const name = c.req.param('name');
    const [model, trail] = await Promise.all([getModel(deps.db, name), modelHistory(deps.db, name)]);
    return c.json({ ...model, history: trail });
  });

  app.post('/api/models/:name/promote', async (c) => {
    const name = c.req.param('name');
    const back = modelPath(name);
    const version = versionField(await formField(c, 'version'));
    if (version === undefined) return mutationFailed(c, back, 400, 'version must be a version number (1, 2, ...)');
    const reason = await reasonOf(c);
    if ('error' in reason) return mutationFailed(c, back, 400, reason.error);
    const idempotencyKey = (await formField(c, 'idempotencyKey')) || randomUUID();
    const change = await promoteModel(deps.db, { name, version, actor: c.var.actor, reason: reason.reason, idempotencyKey: `ui:${idempotencyKey}` });
    const archived = change.previousVersion === null ? '' : ` (archived v${change.previousVersion})`;
    return mutationDone(c, back, `promoted ${name} v${change.version} to production${archived}`, { version: change.version, previousVersion: change.previousVersion });
  });

  app.post('/api/models/:name/rollback', async (c) => {
    const name = c.req.param('name');
    const back = modelPath(name);
    const reason = await reasonOf(c);
    if ('error' in reason) return mutationFailed(c, back, 400, reason.error);
    const toText = await formField(c, 'to');
    const to = toText === undefined || toText === '' ? undefined : versionField(toText);
    if (toText && to === undefined) return mutationFailed(c, back, 400, 'to must be a version number (1, 2, ...)');
    const change = await rollbackModel(deps.db, { name, actor: c.var.actor, reason: reason.reason, to });
    return mutationDone(c, back, `rolled ${name} back to v${change.version}`, { version: change.version, previousVersion: change.previousVersion });
  });
};
