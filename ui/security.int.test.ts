import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleIdFor } from '../control/schedules.ts';
import { modelHistory } from '../registry/index.ts';
import { registerTestVersion, uniqueModelName } from '../registry/test-fixtures.ts';
import type { TestWorker } from '../test/harness.ts';
import type { UiServer } from './server.ts';
import { startUiServer } from './server.ts';
import { UiAuthSettingsError, UiExposureError } from './security.ts';
import { csrfTokenOf, http, startTestUiServer, startUiTestWorker, uiDepsFor } from './test-support.ts';

const TOKEN = 'test-token-0123456789abcdef';

let worker: TestWorker;
let open: UiServer;
let tokened: UiServer;
let proxied: UiServer;

beforeAll(async () => {
  worker = await startUiTestWorker();
  [open, tokened, proxied] = await Promise.all([
    startTestUiServer(worker, { actor: 'laptop-user' }),
    startTestUiServer(worker, { actor: 'token-owner', token: TOKEN }),
    startTestUiServer(worker, { actor: 'unused', proxyHeader: 'X-Forwarded-User' }),
  ]);
});
afterAll(async () => {
  await Promise.all([open?.close(), tokened?.close(), proxied?.close()]);
  // This file owns the schedule of webcore_sched; the browser tests use DAGs of their own.
  if (worker) await worker.client.schedule.getHandle(scheduleIdFor('webcore_sched', worker.taskQueue)).delete().catch(() => {});
  await worker?.shutdown();
});

async function schedulePaused(): Promise<{ paused: boolean; note: string | undefined }> {
  const description = await worker.client.schedule.getHandle(scheduleIdFor('webcore_sched', worker.taskQueue)).describe();
  return { paused: description.state.paused, note: description.state.note };
}

describe('exposure', () => {
  it('refuses to listen beyond loopback without a token or an auth proxy header', async () => {
    await expect(startUiServer(uiDepsFor(worker, { actor: 'x' }), { host: '0.0.0.0', port: 0 })).rejects.toBeInstanceOf(UiExposureError);
    await expect(startUiServer(uiDepsFor(worker, { actor: 'x' }), { host: '0.0.0.0', port: 0 })).rejects.toThrow(/--auth-token.*--auth-proxy-header/);
  });

  it('refuses a token too short to be a secret, and a header name that is not one', async () => {
    await expect(startUiServer(uiDepsFor(worker, { actor: 'x', token: 'short' }), { port: 0 })).rejects.toBeInstanceOf(UiAuthSettingsError);
    await expect(startUiServer(uiDepsFor(worker, { actor: 'x', proxyHeader: 'X User' }), { port: 0 })).rejects.toBeInstanceOf(UiAuthSettingsError);
  });
});

describe('without auth (loopback only)', () => {
  it('serves pages with security headers', async () => {
    const page = await http(`${open.url}/`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('webcore_sched');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
  });

  it('answers only to a loopback Host, so DNS rebinding cannot reach it', async () => {
    const reply = await http(`${open.url}/`, { headers: { host: `attacker.example:${open.port}` } });
    expect(reply.status).toBe(421);
    expect(reply.body).not.toContain('webcore_sched');
  });

  it('refuses a mutation without the CSRF token, or from another origin, and changes nothing', async () => {
    const before = await schedulePaused();
    const noToken = await http(`${open.url}/api/dags/webcore_sched/paused`, { form: { paused: 'true' } });
    expect(noToken.status).toBe(403);
    expect(noToken.body).toContain('CSRF');
    const csrf = csrfTokenOf((await http(`${open.url}/`)).body);
    const crossSite = await http(`${open.url}/api/dags/webcore_sched/paused`, { form: { paused: 'true', _csrf: csrf }, headers: { origin: 'http://attacker.example' } });
    expect(crossSite.status).toBe(403);
    const wrongToken = await http(`${open.url}/api/dags/webcore_sched/paused`, { form: { paused: 'true', _csrf: `${csrf}x` } });
    expect(wrongToken.status).toBe(403);
    expect(await schedulePaused()).toEqual(before);
  });

  it('pauses with the token from the page, and records who did it in the schedule note', async () => {
    const csrf = csrfTokenOf((await http(`${open.url}/`)).body);
    const reply = await http(`${open.url}/api/dags/webcore_sched/paused`, { form: { paused: 'true', _csrf: csrf }, headers: { origin: open.url } });
    expect(reply.status).toBe(303);
    expect(await schedulePaused()).toEqual({ paused: true, note: 'paused by laptop-user in weir ui' });
    const viaHeader = await http(`${open.url}/api/dags/webcore_sched/paused`, { form: { paused: 'false' }, headers: { 'x-weir-csrf': csrf, accept: 'application/json' } });
    expect(JSON.parse(viaHeader.body)).toMatchObject({ ok: true, paused: false });
    expect((await schedulePaused()).paused).toBe(false);
  });
});

describe('with an auth token', () => {
  it('sends a browser to /login and refuses API calls without the token', async () => {
    const page = await http(`${tokened.url}/models`);
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/login?next=%2Fmodels');
    const api = await http(`${tokened.url}/api/dags`);
    expect(api.status).toBe(401);
    expect(api.body).not.toContain('webcore_sched');
    expect((await http(`${tokened.url}/api/dags`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    expect((await http(`${tokened.url}/api/dags`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it('trades the token for an HttpOnly, SameSite=Strict cookie at /login', async () => {
    const loginPage = await http(`${tokened.url}/login?next=/models`);
    const csrf = csrfTokenOf(loginPage.body);
    const wrong = await http(`${tokened.url}/login`, { form: { token: 'not-the-token', next: '/models', _csrf: csrf } });
    expect(wrong.headers['set-cookie']).toBeUndefined();
    expect(wrong.headers.location).toContain('error=');
    const right = await http(`${tokened.url}/login`, { form: { token: TOKEN, next: '//attacker.example/', _csrf: csrf } });
    expect(right.status).toBe(303);
    expect(right.headers.location).toBe('/');
    const cookie = String(right.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await http(`${tokened.url}/`, { headers: { cookie: cookie.split(';')[0] as string } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('token-owner');
  });

  it('still needs the CSRF token for a mutation by a signed-in browser', async () => {
    const reply = await http(`${tokened.url}/api/dags/webcore_sched/paused`, { form: { paused: 'true' }, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(reply.status).toBe(403);
    expect((await schedulePaused()).paused).toBe(false);
  });
});

describe('behind an auth proxy', () => {
  it('refuses a request the proxy did not name a user for', async () => {
    const reply = await http(`${proxied.url}/`);
    expect(reply.status).toBe(401);
    expect(reply.body).toContain('X-Forwarded-User');
  });

  it("records the proxy's user in the model registry's audit trail", async () => {
    const name = uniqueModelName('ui-proxy');
    await registerTestVersion(worker.db, name);
    const headers = { 'x-forwarded-user': 'carol@example.com' };
    const page = await http(`${proxied.url}/models/${name}`, { headers });
    expect(page.status).toBe(200);
    expect(page.body).toContain('carol@example.com');
    const reply = await http(`${proxied.url}/api/models/${name}/promote`, { form: { version: '1', reason: 'first model', idempotencyKey: 'k1', _csrf: csrfTokenOf(page.body) }, headers });
    expect(reply.status).toBe(303);
    expect(reply.headers.location).toContain('notice=');
    const trail = await modelHistory(worker.db, name);
    expect(trail.at(-1)).toMatchObject({ version: 1, toStage: 'production', action: 'promote', actor: 'carol@example.com', reason: 'first model' });
  });
});
