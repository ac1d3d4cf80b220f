// Small client helpers shared by every page. No build step: plain ES2020 served as is.
(function () {
  'use strict';
  const meta = document.querySelector('meta[name="weir-csrf"]');
  const csrfToken = meta ? meta.getAttribute('content') : '';

  /**
   * POSTs form fields to an /api/ route with the CSRF header and returns the parsed JSON
   * ({ ok, message, ... } or { ok: false, error }).
   */
  async function post(url, fields) {
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(fields || {})) body.set(key, String(value));
    const response = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'x-weir-csrf': csrfToken, accept: 'application/json' },
      body,
    });
    const data = await response.json().catch(() => ({ ok: false, error: `HTTP ${response.status}` }));
    if (!response.ok && data.ok === undefined) data.ok = false;
    return data;
  }

  /** GETs JSON from an /api/ route. */
  async function getJson(url) {
    const response = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return response.json();
  }

  window.weir = { csrfToken, post, getJson };

  // Forms with data-confirm ask before they post (promote, rollback, cancel...).
  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    const question = form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
