// The Stories page: one story, all three compared, the history's pages, search and delete.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, FRAMEWORKS, launchBrowser, openPage, screenshot, unique } from './harness.mjs';

describe('console: stories', () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  test('writes a story and shows its text, time, tokens and cost', async () => {
    const session = await openPage(browser, '#/stories');
    const { page } = session;
    try {
      const hero = unique('Hero');
      const friend = unique('Friend');
      await page.getByLabel('Primary character').fill(hero);
      await page.getByLabel('Secondary character').fill(friend);
      await page.getByTestId('story-framework').selectOption('langgraph');

      // Hold the answer back a moment so the loading state can be seen.
      let release;
      const held = new Promise((resolve) => (release = resolve));
      await page.route('**/api/langgraph', async (route) => {
        await held;
        await route.continue();
      });
      const button = page.getByTestId('story-generate');
      await button.click();
      await assert.doesNotReject(page.waitForFunction(() => {
        const b = document.querySelector('[data-testid="story-generate"]');
        return b && b.disabled && b.textContent === 'Generating…';
      }));
      release();

      const result = page.getByTestId('story-result');
      await result.waitFor();
      const text = await result.getByTestId('story-text').innerText();
      assert.ok(text.trim().length > 20, `a story was written: ${text}`);
      assert.match(await result.getByTestId('metric-framework').innerText(), /LangGraph/);
      assert.match(await result.getByTestId('metric-time').innerText(), /\d+(\.\d+)? (ms|s)/);
      assert.match(await result.getByTestId('metric-tokens').innerText(), /[1-9]\d* \(\d+ in \/ \d+ out\)/);
      assert.match(await result.getByTestId('metric-cost').innerText(), /\$\d+\.\d+/);
      assert.equal(await button.innerText(), 'Generate story');
      assert.ok(await button.isEnabled());
      // The new story heads the history.
      await page.getByTestId('history-list').getByText(hero).first().waitFor();
      await screenshot(page, 'stories.png');
      session.assertClean();
    } finally {
      await session.close();
    }
  });

  test('"Compare all three" shows one card per framework, each with its story', async () => {
    const session = await openPage(browser, '#/stories');
    const { page } = session;
    try {
      await page.getByLabel('Primary character').fill(unique('Pilot'));
      await page.getByLabel('Secondary character').fill(unique('Navigator'));
      await page.getByTestId('story-compare').click();
      const cards = page.getByTestId('compare-card');
      await page.getByTestId('compare-results').waitFor();
      assert.equal(await cards.count(), 3);
      const frameworks = await cards.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-framework')));
      assert.deepEqual([...frameworks].sort(), ['langchain', 'langgraph', 'semantic_kernel']);
      for (let i = 0; i < 3; i++) {
        const card = cards.nth(i);
        const story = await card.getByTestId('story-text').innerText();
        assert.ok(story.trim().length > 20, `card ${i} has a story`);
        assert.match(await card.getByTestId('metric-time').innerText(), /(ms|s)$/);
        assert.match(await card.getByTestId('metric-cost').innerText(), /\$/);
      }
      await screenshot(page, 'stories-compare.png');
      session.assertClean();
    } finally {
      await session.close();
    }
  });

  test('a refused request shows the server\'s message and request id, and a failed framework its error', async () => {
    const session = await openPage(browser, '#/stories');
    const { page } = session;
    session.allowHttpError(422, '/api/langchain');
    try {
      await page.getByLabel('Primary character').fill('<script>alert(1)</script>');
      await page.getByLabel('Secondary character').fill('Friend');
      await page.getByTestId('story-framework').selectOption('langchain');
      await page.getByTestId('story-generate').click();
      const toast = page.getByRole('alert').filter({ hasText: 'VALIDATION_ERROR' });
      await toast.waitFor();
      assert.match(await toast.innerText(), /primary_character/);
      assert.match(await toast.getByTestId('toast-request-id').innerText(), /^Request id: req_\S+$/);
      await toast.getByRole('button', { name: 'Dismiss notice' }).click();
      await toast.waitFor({ state: 'detached' });
      assert.equal(await page.getByTestId('story-result').count(), 0);

      // One framework failing in a comparison leaves the other two cards whole.
      await page.route('**/api/compare', async (route) => {
        const response = await route.fetch();
        const answer = await response.json();
        answer.results[1] = { framework: answer.results[1].framework, ok: false, status: 502, error: { code: 'PROVIDER_ERROR', message: 'upstream said no', request_id: 'req_test' } };
        await route.fulfill({ response, json: answer });
      });
      await page.getByLabel('Primary character').fill(unique('Diver'));
      await page.getByTestId('story-compare').click();
      await page.getByTestId('compare-results').waitFor();
      assert.equal(await page.getByTestId('compare-card').count(), 3);
      const failed = page.getByTestId('compare-card').nth(1).getByTestId('compare-error');
      assert.match(await failed.innerText(), /PROVIDER_ERROR \(502\): upstream said no[\s\S]*req_test/);
      assert.equal(await page.getByTestId('compare-card').getByTestId('story-text').count(), 2);
      session.assertClean();
    } finally {
      await session.close();
    }
  });

  test('the history pages with Next and Previous', async () => {
    const tag = unique('Pager');
    for (let i = 0; i < 6; i++) {
      const answer = await api('POST', `/api/${FRAMEWORKS[i % 3]}`, {
        primary_character: `${tag}${'abcdef'[i]}`,
        secondary_character: 'Librarian',
      });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
    }
    const session = await openPage(browser, '#/stories');
    const { page } = session;
    try {
      await page.getByLabel('Per page').selectOption('5');
      const pageLabel = page.getByTestId('history-page');
      await assert.doesNotReject(pageLabel.filter({ hasText: /^Page 1 of ([2-9]|\d{2,})/ }).waitFor());
      const items = page.getByTestId('history-list').getByTestId('story-item');
      const ids = () => items.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-story-id')));
      await items.first().waitFor();
      const first = await ids();
      assert.equal(first.length, 5);
      assert.ok(await page.getByTestId('history-prev').isDisabled(), 'no page before the first');

      await page.getByTestId('history-next').click();
      await pageLabel.filter({ hasText: /^Page 2 of/ }).waitFor();
      await page.waitForFunction(
        (before) => {
          const now = [...document.querySelectorAll('[data-testid="history-list"] [data-testid="story-item"]')].map((n) => n.getAttribute('data-story-id'));
          return now.length > 0 && now.every((id) => !before.includes(id));
        },
        first,
      );
      const second = await ids();
      assert.ok(second.every((id) => !first.includes(id)), 'page 2 shows other stories');
      // Newest first: every id on page 2 is older than those on page 1.
      assert.ok(Math.max(...second.map(Number)) < Math.min(...first.map(Number)));

      await page.getByTestId('history-prev').click();
      await pageLabel.filter({ hasText: /^Page 1 of/ }).waitFor();
      await page.waitForFunction(
        (expected) =>
          JSON.stringify([...document.querySelectorAll('[data-testid="history-list"] [data-testid="story-item"]')].map((n) => n.getAttribute('data-story-id'))) ===
          JSON.stringify(expected),
        first,
      );
      session.assertClean();
    } finally {
      await session.close();
    }
  });

  test('search finds a story by a character, and Delete removes it after a confirmation', async () => {
    const character = unique('Seeker');
    const created = await api('POST', '/api/langchain', { primary_character: character, secondary_character: 'Oracle' });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const id = created.body.id;

    const session = await openPage(browser, '#/stories');
    const { page } = session;
    try {
      await page.getByLabel('Character', { exact: true }).fill(character);
      await page.getByTestId('search-submit').click();
      const results = page.getByTestId('search-results');
      await results.getByText('1 story with').waitFor();
      const item = results.locator(`[data-testid="story-item"][data-story-id="${id}"]`);
      await item.waitFor();
      assert.match(await item.innerText(), new RegExp(character));

      await item.getByRole('button', { name: `Delete story ${id}` }).click();
      // First click only asks.
      assert.equal((await api('GET', `/api/stories/${id}`)).status, 200);
      await item.getByTestId('story-delete-confirm').click();
      await page.getByTestId('toast-success').filter({ hasText: `Story #${id} deleted` }).waitFor();
      await item.waitFor({ state: 'detached' });
      await results.getByText(`No story with “${character}”`).waitFor();

      assert.equal((await api('GET', `/api/stories/${id}`)).status, 404);
      session.assertClean();
    } finally {
      await session.close();
    }
  });
});
