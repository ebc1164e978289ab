// The Chat page: a streamed reply, a second framework in the same conversation, the list,
// a reload, and delete.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, launchBrowser, openPage, screenshot, unique } from './harness.mjs';

/** Records what the streaming bubble showed while it was still streaming. */
function watchStreaming(page) {
  return page.evaluate(() => {
    window.__streamed = [];
    const observer = new MutationObserver(() => {
      const bubble = document.querySelector('[data-streaming="true"] [data-testid="streaming-text"]');
      const text = bubble?.textContent ?? '';
      if (text && text !== 'Thinking…' && window.__streamed.at(-1) !== text) window.__streamed.push(text);
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}

async function sendAndWait(page, message, framework, expectedMessages) {
  await page.getByTestId('chat-framework').selectOption(framework);
  await page.getByLabel('Message', { exact: true }).fill(message);
  await watchStreaming(page);
  const answered = page.waitForResponse((response) => response.url().endsWith(`/api/chat/${framework}`) && response.request().method() === 'POST');
  await page.getByTestId('chat-send').click();
  const response = await answered;
  assert.equal(response.status(), 200);
  assert.match(response.headers()['content-type'] ?? '', /^text\/event-stream/, 'the reply is streamed');
  const body = JSON.parse(response.request().postData() ?? '{}');
  assert.equal(body.stream, true);
  assert.equal(body.message, message);
  // Done when the stored conversation replaced the pending bubbles.
  await page.waitForFunction(
    (count) =>
      document.querySelectorAll('[data-testid="messages"] [data-testid="message"]:not([data-pending])').length === count &&
      !document.querySelector('[data-testid="messages"] [data-pending]'),
    expectedMessages,
  );
  const streamed = await page.evaluate(() => window.__streamed);
  const messages = page.locator('[data-testid="messages"] [data-testid="message"]');
  const final = await messages.last().getByTestId('message-text').innerText();
  assert.ok(streamed.length >= 1, 'the reply was shown while it streamed, before the final answer');
  assert.ok(final.trim().startsWith(streamed[0].trim().slice(0, 10)), `the streamed text ${JSON.stringify(streamed[0])} begins the final ${JSON.stringify(final)}`);
  assert.ok(final.trim().length > 0);
  return body;
}

describe('console: chat', () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  test('streams replies, continues with another framework, survives a reload, and deletes', async () => {
    const session = await openPage(browser, '#/chat');
    const { page } = session;
    try {
      const first = `Hello from ${unique('Tester')}, tell me a fact about lighthouses.`;
      const firstBody = await sendAndWait(page, first, 'langchain', 2);
      assert.equal(firstBody.conversation_id, undefined, 'a new conversation');
      await page.waitForURL(/#\/chat\/\d+$/);
      const id = page.url().match(/#\/chat\/(\d+)$/)[1];

      const secondBody = await sendAndWait(page, 'And one about harbours, please.', 'langgraph', 4);
      assert.equal(String(secondBody.conversation_id), id, 'the same conversation continues');
      const roles = await page.locator('[data-testid="messages"] [data-testid="message"]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-role')));
      assert.deepEqual(roles, ['user', 'assistant', 'user', 'assistant']);

      const link = page.locator(`[data-testid="conversation-link"][data-conversation-id="${id}"]`);
      // The list refreshes after the turn: wait for the count, then read it.
      await link.filter({ hasText: /4 messages/ }).waitFor({ timeout: 15000 });
      assert.match(await link.innerText(), /4 messages/);
      assert.equal(await link.getAttribute('aria-current'), 'page');
      await screenshot(page, 'chat.png');

      // A reload reads the conversation back from the server.
      await page.reload();
      await page.locator('[data-testid="messages"] [data-testid="message"]').nth(3).waitFor();
      await page.getByTestId('chat-new').click();
      await page.waitForURL(/#\/chat$/);
      assert.equal(await page.locator('[data-testid="messages"] [data-testid="message"]').count(), 0);
      await link.click();
      await page.waitForURL(new RegExp(`#/chat/${id}$`));
      await page.locator('[data-testid="messages"] [data-testid="message"]').nth(3).waitFor();
      assert.match(await page.locator('[data-testid="messages"]').innerText(), /lighthouses/);

      await page.getByTestId('chat-delete').click();
      await page.getByTestId('chat-delete-confirm').click();
      await page.getByTestId('toast-success').filter({ hasText: 'deleted' }).waitFor();
      await link.waitFor({ state: 'detached' });
      await page.waitForURL(/#\/chat$/);
      assert.equal((await api('GET', `/api/chat/conversations/${id}`)).status, 404);
      session.assertClean();
    } finally {
      await session.close();
    }
  });

  test('an error event in the stream shows the error and gives the message back', async () => {
    const session = await openPage(browser, '#/chat');
    const { page } = session;
    try {
      // A stream cut into odd pieces: two deltas, then the error, then [DONE].
      await page.route('**/api/chat/semantic-kernel', (route) =>
        route.fulfill({
          status: 200,
          headers: { 'Content-Type': 'text/event-stream' },
          body:
            'event: delta\ndata: {"delta":"Half an"}\n\n' +
            ': keep-alive\n\n' +
            'event: delta\r\ndata: {"delta":" answer"}\r\n\r\n' +
            'event: error\ndata: {"error":{"code":"PROVIDER_ERROR","message":"the provider went away","request_id":"req_streamfail"},"status":502}\n\n' +
            'data: [DONE]\n\n',
        }),
      );
      await page.getByTestId('chat-framework').selectOption('semantic-kernel');
      const message = `This will fail ${unique('Echo')}`;
      await page.getByLabel('Message', { exact: true }).fill(message);
      await page.getByLabel('Message', { exact: true }).press('Enter');
      const toast = page.getByRole('alert').filter({ hasText: 'the provider went away' });
      await toast.waitFor();
      assert.match(await toast.innerText(), /PROVIDER_ERROR \(502\)/);
      assert.match(await toast.getByTestId('toast-request-id').innerText(), /req_streamfail/);
      assert.equal(await page.getByLabel('Message', { exact: true }).inputValue(), message, 'the message is back in the box');
      assert.equal(await page.locator('[data-testid="messages"] [data-testid="message"]').count(), 0);
      assert.equal(await page.getByTestId('chat-send').innerText(), 'Send');
      session.assertClean();
    } finally {
      await session.close();
    }
  });
});
