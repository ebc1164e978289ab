// The console on a phone (390 px wide): nothing wider than the screen, the nav reachable, and
// a story written with the keyboard alone.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_TOKEN, api, BASE_URL, launchBrowser, openPage, PHONE, requireAdminToken, screenshot, unique, unnamedControls } from './harness.mjs';

const PAGES = ['stories', 'chat', 'context', 'costs', 'operations'];

async function assertNoHorizontalOverflow(page, label) {
  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    body: document.body.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  assert.ok(widths.scroll <= PHONE.width, `${label}: the document is ${widths.scroll}px wide at ${PHONE.width}px`);
  assert.ok(widths.body <= PHONE.width, `${label}: the body is ${widths.body}px wide`);
}

describe('console: layout', () => {
  let browser;
  let conversationId;
  let keyId;
  before(async () => {
    requireAdminToken();
    browser = await launchBrowser();
    // Something to show on every page.
    const story = await api('POST', '/api/compare', { primary_character: unique('Wanderer'), secondary_character: 'Cartographer' });
    assert.equal(story.status, 200);
    const chat = await api('POST', '/api/chat/langchain', { message: 'Describe a narrow street in three sentences.' });
    assert.equal(chat.status, 200, JSON.stringify(chat.body));
    conversationId = chat.body.conversation_id;
    const key = await api('POST', '/admin/keys', { name: unique('PhoneKey'), daily_budget_usd: 2, monthly_budget_usd: 20 });
    assert.equal(key.status, 201, JSON.stringify(key.body));
    keyId = key.body.id;
  });
  after(async () => {
    await browser?.close();
    if (conversationId) await api('DELETE', `/api/chat/conversations/${conversationId}`);
    if (keyId) await api('DELETE', `/admin/keys/${keyId}`);
  });

  test('no page is wider than a 390 px screen, and the nav reaches every page', async () => {
    const session = await openPage(browser, '#/stories', PHONE);
    const { page } = session;
    try {
      await page.evaluate((token) => sessionStorage.setItem('switchboard.console.adminToken', token), ADMIN_TOKEN);
      await page.reload();
      for (const name of PAGES) {
        const link = page.getByTestId(`nav-${name}`);
        assert.ok(await link.isVisible(), `the ${name} link is visible`);
        const box = await link.boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= PHONE.width, `the ${name} link is on the screen`);
        await link.click();
        await page.waitForURL(new RegExp(`#/${name}$`));
        // React marks the link once it has rendered the new route: wait for that, not the URL.
        await page.locator(`[data-testid="nav-${name}"][aria-current="page"]`).waitFor({ timeout: 15000 });
        assert.equal(await link.getAttribute('aria-current'), 'page');
        await page.getByRole('heading', { level: 1 }).filter({ hasText: new RegExp(name, 'i') }).waitFor();
        // Wait for the page's data, then measure.
        const ready = {
          stories: '[data-testid="story-item"]',
          chat: '[data-testid="conversation-link"]',
          context: '[data-testid="upload-form"]',
          costs: '[data-testid="transaction-row"]',
          operations: '[data-testid="plugin-row"]',
        }[name];
        await page.locator(ready).first().waitFor();
        if (name === 'chat') {
          await page.locator(`[data-testid="conversation-link"][data-conversation-id="${conversationId}"]`).click();
          await page.locator('[data-testid="messages"] [data-testid="message"]').nth(1).waitFor();
        }
        if (name === 'costs') await page.getByTestId('budget-key').first().waitFor();
        if (name === 'operations') await page.getByTestId('cache-backend').waitFor();
        await assertNoHorizontalOverflow(page, name);
        assert.deepEqual(await unnamedControls(page), [], `every control on ${name} has an accessible name`);
        await screenshot(page, `${name}-phone.png`);
      }

      // Compare results stack in one column on a phone.
      await page.getByTestId('nav-stories').click();
      await page.getByLabel('Primary character').fill(unique('Nomad'));
      await page.getByLabel('Secondary character').fill('Smith');
      await page.getByTestId('story-compare').click();
      await page.getByTestId('compare-card').nth(2).waitFor();
      const lefts = await page.getByTestId('compare-card').evaluateAll((cards) => cards.map((card) => Math.round(card.getBoundingClientRect().left)));
      assert.equal(new Set(lefts).size, 1, `the cards stack: ${lefts}`);
      await assertNoHorizontalOverflow(page, 'stories with compare results');
      await screenshot(page, 'stories-compare-phone.png');
      session.assertClean();
    } finally {
      await session.close();
    }
  });

  test('a story can be written with the keyboard alone', async () => {
    const session = await openPage(browser, '#/stories', PHONE);
    const { page } = session;
    try {
      let reached = false;
      for (let i = 0; i < 40 && !reached; i++) {
        await page.keyboard.press('Tab');
        reached = await page.evaluate(() => document.activeElement?.id === 'story-primary');
      }
      assert.ok(reached, 'Tab reaches the story form');
      // The focus is visible where it lands.
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
      assert.notEqual(outline, 'none');

      const hero = unique('Keyboard');
      await page.keyboard.type(hero);
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'story-secondary');
      await page.keyboard.type('Mouse');
      await page.keyboard.press('Enter');
      const result = page.getByTestId('story-result');
      await result.waitFor();
      assert.match(await result.innerText(), new RegExp(hero));
      assert.ok((await result.getByTestId('story-text').innerText()).length > 20);
      session.assertClean();
    } finally {
      await session.close();
    }
  });

  test('the page is served with a CSP that allows only this origin, and has nothing inline', async (t) => {
    const response = await fetch(`${BASE_URL}/`);
    const html = await response.text();
    if (html.includes('/@vite/client')) {
      t.skip('the Vite dev server (used while developing) sends no CSP');
      return;
    }
    const header = response.headers.get('content-security-policy') ?? '';
    assert.ok(header, 'the console is served with a Content-Security-Policy');
    const policy = Object.fromEntries(
      header.split(';').map((part) => part.trim().split(/\s+/)).filter((words) => words[0]).map(([name, ...sources]) => [name, sources.join(' ')]),
    );
    // What a directive allows: its own sources, or default-src's when it has none.
    const allowed = (directive) => policy[directive] ?? policy['default-src'];
    for (const directive of ['script-src', 'style-src', 'connect-src']) {
      assert.equal(allowed(directive), "'self'", `${directive} allows this origin only (${header})`);
    }
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
    assert.doesNotMatch(html, /<style/, 'no inline style');
    assert.doesNotMatch(html, /\sstyle=/, 'no style attribute');
  });
});
