// The Context page: upload a document, run prompts over it, see the answer with its timings.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, openPage, screenshot, unique } from './harness.mjs';

describe('console: context', () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  test('uploads a text file and runs a system and a user prompt over it', async () => {
    const session = await openPage(browser, '#/context');
    const { page } = session;
    try {
      const marker = unique('Quartermaster');
      const text = `Ship's log.\nThe quartermaster is called ${marker}.\nWe sailed at dawn and reached the harbour by noon.\n`;
      const name = `${marker}.txt`;
      assert.ok(await page.getByTestId('context-run').isDisabled(), 'nothing to run before an upload');

      await page.getByLabel(/^File/).setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });
      await page.getByTestId('context-upload').click();
      await page.getByTestId('context-file-id').waitFor();
      assert.match(await page.getByTestId('context-file-id').innerText(), /^ctx_/);
      assert.match(await page.getByTestId('context-file-name').innerText(), new RegExp(name));
      assert.match(await page.getByTestId('context-file-size').innerText(), new RegExp(`^${Buffer.byteLength(text)} B$`));

      await page.getByLabel('System prompt').fill('Answer from the document only.');
      await page.getByLabel('User prompt').fill('What is the quartermaster called?');
      await page.getByTestId('context-framework').selectOption('semantic-kernel');
      await page.getByTestId('context-run').click();

      const result = page.getByTestId('context-result');
      await result.waitFor();
      assert.ok((await result.getByTestId('context-response').innerText()).trim().length > 0, 'an answer');
      for (const id of ['context-file-ms', 'context-llm-ms', 'context-total-ms']) {
        assert.match(await result.getByTestId(id).innerText(), /\d (ms|s)$/, id);
      }
      assert.match(await result.getByTestId('context-tokens').innerText(), /^[1-9]/);
      assert.match(await result.getByTestId('context-cost').innerText(), /^\$/);
      assert.equal(await page.getByTestId('context-run').innerText(), 'Run');
      await screenshot(page, 'context.png');
      session.assertClean();
    } finally {
      await session.close();
    }
  });
});
