// The Operations page: the admin token (a wrong one is refused with the request id), the
// plugins with Reload, circuit breakers, cache status and logs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_TOKEN, api, launchBrowser, openPage, requireAdminToken, screenshot } from './harness.mjs';

async function activePlugin(name) {
  const answer = await api('GET', '/admin/plugins');
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body.plugins.find((plugin) => plugin.name === name && plugin.state === 'active');
}

describe('console: operations', () => {
  let browser;
  before(async () => {
    requireAdminToken();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  test('a wrong admin token shows an error with its request id', async () => {
    const session = await openPage(browser, '#/operations');
    const { page } = session;
    session.allowHttpError(403, '/admin/');
    session.allowHttpError(403, '/internal/');
    try {
      await page.getByTestId('admin-token-needed').waitFor();
      await page.getByTestId('admin-token-input').fill('not-the-admin-token');
      await page.getByTestId('admin-token-input').press('Enter');
      const toast = page.getByRole('alert').filter({ hasText: 'invalid admin token' });
      await toast.waitFor();
      assert.match(await toast.getByTestId('toast-request-id').innerText(), /^Request id: req_\S+$/);
      await page.getByTestId('admin-token-rejected').waitFor();

      await toast.getByRole('button', { name: 'Dismiss notice' }).click();
      await toast.waitFor({ state: 'detached' });
      await page.getByTestId('admin-token-forget').click();
      await page.getByTestId('admin-token-needed').waitFor();
      assert.equal(await page.evaluate(() => Object.values(sessionStorage).includes('not-the-admin-token')), false, 'the token is gone');
      session.assertClean();
    } finally {
      await session.close();
    }
  });

  test('lists plugins, reloads one, and shows breakers, cache and logs', async () => {
    const session = await openPage(browser, '#/operations');
    const { page } = session;
    try {
      await page.getByTestId('admin-token-input').fill(ADMIN_TOKEN);
      await page.getByTestId('admin-token-save').click();
      // Kept in the tab's session only.
      const stored = await page.evaluate(() => ({ session: Object.values(sessionStorage), local: localStorage.length }));
      assert.ok(stored.session.includes(ADMIN_TOKEN));
      assert.equal(stored.local, 0);

      const rows = page.getByTestId('plugin-row');
      await rows.first().waitFor();
      const names = await rows.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-plugin')));
      const target = names.includes('mock') ? 'mock' : names[0];
      const before = await activePlugin(target);
      assert.ok(before, `${target} is loaded`);
      // loaded_at has whole seconds: let one pass so the reload's time differs.
      const loadedMs = Date.parse(before.loaded_at);
      if (Date.now() - loadedMs < 1100) await page.waitForTimeout(1100 - (Date.now() - loadedMs));

      const row = page.locator(`[data-testid="plugin-row"][data-plugin="${target}"][data-state="active"]`);
      await row.getByRole('button', { name: `Reload ${target}` }).click();
      await page.getByTestId('toast-success').filter({ hasText: `Reloaded ${target}` }).waitFor();
      const afterReload = await activePlugin(target);
      assert.notEqual(afterReload.loaded_at, before.loaded_at, 'loaded_at moved on');
      assert.ok(afterReload.generation > before.generation);
      // The table was refreshed with the new version.
      await page.locator(`[data-testid="plugin-row"][data-plugin="${target}"][data-generation="${afterReload.generation}"]`).waitFor();

      // Unload asks first; Cancel leaves the plugin loaded.
      await row.getByRole('button', { name: `Unload ${target}` }).click();
      await row.getByRole('group', { name: `Unload ${target}?` }).waitFor();
      await row.getByTestId('plugin-unload-cancel').click();
      await row.getByRole('button', { name: `Unload ${target}` }).waitFor();
      assert.ok(await activePlugin(target), `${target} is still loaded`);

      const breakers = page.getByTestId('breaker-row');
      await breakers.first().waitFor();
      const instance = await breakers.first().getAttribute('data-instance');
      await breakers.first().getByRole('button', { name: `Reset circuit breaker ${instance}` }).click();
      await page.getByTestId('toast-success').filter({ hasText: `Circuit breaker of ${instance} reset` }).waitFor();
      assert.match(await breakers.first().innerText(), /closed/);

      await page.getByTestId('cache-backend').waitFor();
      assert.ok((await page.getByTestId('cache-backend').innerText()).trim().length > 0);
      assert.match(await page.getByTestId('cache-hit-rate').innerText(), /\d+\.\d%/);

      await page.locator('[data-testid="logs-table"], [data-testid="logs-not-configured"]').first().waitFor();
      if (await page.getByTestId('logs-table').isVisible()) {
        await page.getByTestId('logs-level').selectOption('warn');
        await page.getByTestId('logs-refresh').click();
        await page.waitForFunction(() => {
          const levels = [...document.querySelectorAll('[data-testid="log-row"]')].map((row) => row.className);
          return levels.every((name) => name === 'log-warn' || name === 'log-error' || name === 'log-critical');
        });
      }
      await screenshot(page, 'operations.png');
      session.assertClean();
    } finally {
      await session.close();
    }
  });
});
