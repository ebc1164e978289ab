// The Costs page: charts over the usage, the transactions with their filters, and the budget
// use of a key made through the admin API.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_TOKEN, api, BASE_URL, enterAdminToken, launchBrowser, openPage, requireAdminToken, screenshot, unique } from './harness.mjs';

/** Bars (rects) drawn with a height above zero in the chart with `testId`. */
function drawnBars(page, testId) {
  return page.getByTestId(testId).locator('svg rect').evaluateAll((rects) => rects.filter((r) => Number(r.getAttribute('height')) > 0).length);
}

describe('console: costs', () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
    // Usage today in every framework.
    const compared = await api('POST', '/api/compare', { primary_character: unique('Accountant'), secondary_character: 'Auditor' });
    assert.equal(compared.status, 200, JSON.stringify(compared.body));
  });
  after(async () => {
    await browser?.close();
  });

  test('charts the usage by framework and by day', async () => {
    const session = await openPage(browser, '#/costs');
    const { page } = session;
    try {
      await page.getByTestId('summary-requests').waitFor();
      assert.match(await page.getByTestId('summary-requests').innerText(), /[1-9]/);
      for (const chart of ['chart-tokens-framework', 'chart-tokens-day', 'chart-cost-framework', 'chart-cost-day']) {
        const svg = page.getByTestId(chart).locator('svg');
        await svg.waitFor();
        assert.equal(await svg.getAttribute('role'), 'img');
        const name = await svg.evaluate((node) => document.getElementById(node.getAttribute('aria-labelledby'))?.textContent ?? '');
        assert.ok(name.length > 3, `${chart} has an accessible name`);
        const titles = await svg.locator('rect > title').allTextContents();
        assert.ok(titles.length >= 1 && titles.every((title) => title.includes(': ')), `${chart}: every bar has a title`);
      }
      assert.ok((await drawnBars(page, 'chart-tokens-framework')) >= 3, 'a token bar per framework at least');
      assert.ok((await drawnBars(page, 'chart-tokens-day')) >= 1, 'a token bar for today');
      const cost = await page.getByTestId('summary-cost').innerText();
      if (cost !== '$0.00') {
        assert.ok((await drawnBars(page, 'chart-cost-framework')) >= 1);
        assert.ok((await drawnBars(page, 'chart-cost-day')) >= 1);
      }
      // Today's bar carries its date as a text label.
      const today = new Date().toISOString().slice(0, 10);
      assert.ok((await page.getByTestId('chart-tokens-day').locator('svg text').allTextContents()).includes(today));
      session.assertClean();
    } finally {
      await session.close();
    }
  });

  test('lists transactions, and the framework filter narrows them', async () => {
    const session = await openPage(browser, '#/costs');
    const { page } = session;
    try {
      const rows = page.getByTestId('transaction-row');
      await rows.first().waitFor();
      const frameworksOf = () => rows.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-framework')));
      const all = await frameworksOf();
      assert.ok(all.length > 0);
      assert.ok(new Set(all).size > 1, `several frameworks before filtering: ${[...new Set(all)]}`);

      const options = await page.getByTestId('tx-framework').locator('option').evaluateAll((nodes) => nodes.map((n) => n.value).filter(Boolean));
      const chosen = all.find((name) => name && options.includes(name));
      assert.ok(chosen, `a framework to filter by among ${options}`);
      const filtered = page.waitForResponse((response) => response.url().includes(`/api/cost/transactions?`) && response.url().includes(`framework=${encodeURIComponent(chosen)}`));
      await page.getByTestId('tx-framework').selectOption(chosen);
      await filtered;
      await page.waitForFunction(
        (name) => {
          const shown = [...document.querySelectorAll('[data-testid="transaction-row"]')];
          return shown.length > 0 && shown.every((row) => row.getAttribute('data-framework') === name);
        },
        chosen,
      );
      const narrowed = await frameworksOf();
      assert.ok(narrowed.every((name) => name === chosen));

      // The status filter works on the rows at hand.
      const status = await rows.first().getAttribute('data-status');
      await page.getByTestId('tx-status').selectOption(status);
      assert.ok((await rows.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-status')))).every((s) => s === status));
      session.assertClean();
    } finally {
      await session.close();
    }
  });

  test('shows the budget use of a key once the admin token is entered', async () => {
    requireAdminToken();
    const name = unique('BudgetKey');
    const created = await api('POST', '/admin/keys', { name, team: 'console-tests', daily_budget_usd: 5, monthly_budget_usd: 50 });
    assert.equal(created.status, 201, JSON.stringify(created.body));

    const session = await openPage(browser, '#/costs');
    const { page } = session;
    try {
      await page.getByTestId('budgets-hint').waitFor();
      await page.getByTestId('budgets-hint').getByRole('link', { name: 'Operations page' }).click();
      await page.waitForURL(/#\/operations$/);
      await enterAdminToken(page, ADMIN_TOKEN);
      await page.goto(`${BASE_URL}/#/costs`);

      const key = page.locator(`[data-testid="budget-key"][data-key-name="${name}"]`);
      await key.waitFor();
      assert.match(await key.innerText(), /console-tests/);
      const daily = key.getByTestId('budget-daily');
      const bar = daily.getByRole('progressbar');
      assert.match((await bar.getAttribute('aria-valuetext')) ?? '', /of \$5\.00/);
      assert.equal(await bar.getAttribute('aria-valuenow'), '0', 'a new key has spent nothing today');
      assert.match(await key.getByTestId('budget-monthly').innerText(), /of \$50\.00/);
      await screenshot(page, 'costs.png');
      session.assertClean();
    } finally {
      await session.close();
      if (created.body?.id) await api('DELETE', `/admin/keys/${created.body.id}`);
    }
  });
});
