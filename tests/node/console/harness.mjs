// Shared pieces of the console's browser tests: a Chromium per test file, pages that record
// every console error, failed request, unexpected HTTP error and CSP violation (and fail the
// test on any), screenshots, and calls to the API from node.
//
// Environment: SWITCHBOARD_URL (the server, serving the console at `/`), SWITCHBOARD_ADMIN_TOKEN,
// SCREENSHOT_DIR (optional: full-page PNGs go there), CHROMIUM_PATH (default /usr/bin/chromium).
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const BASE_URL = (process.env.SWITCHBOARD_URL ?? 'http://127.0.0.1:8000').replace(/\/+$/, '');
export const ADMIN_TOKEN = process.env.SWITCHBOARD_ADMIN_TOKEN ?? '';
export const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR ?? '';
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };
export const FRAMEWORKS = ['semantic-kernel', 'langchain', 'langgraph'];

/** A name no other test run has used: letters only, so it survives HTML stripping. */
export function unique(prefix) {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let tail = '';
  let n = Date.now() * 1000 + Math.floor(Math.random() * 1000);
  while (n > 0) {
    tail += letters[n % 26];
    n = Math.floor(n / 26);
  }
  for (let i = 0; i < 4; i++) tail += letters[Math.floor(Math.random() * 26)];
  return `${prefix}${tail}`;
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

/**
 * Opens `route` (e.g. "#/stories") in a new context of `viewport` size. Returns the page and
 * `problems`: call `assertClean()` at the end of a test. HTTP errors a test causes on purpose
 * are declared with `allowHttpError(status, urlPart)`.
 */
export async function openPage(browser, route = '#/stories', viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems = [];
  // A server without a log file answers the log viewer 404 LOGS_NOT_CONFIGURED, shown as a note.
  const allowed = [{ status: 404, urlPart: '/internal/logs' }];

  if (process.env.SWITCHBOARD_API_KEY) {
    // A server with the auth middleware on: the console sends the key as a user would enter it.
    await context.addInitScript((key) => sessionStorage.setItem('switchboard.console.apiKey', key), process.env.SWITCHBOARD_API_KEY);
  }
  await page.exposeFunction('__reportCspViolation', (text) => problems.push(`CSP violation: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__reportCspViolation(`${event.violatedDirective} blocked ${event.blockedURI || '(inline)'} in ${event.sourceFile || 'the page'}`);
    });
  });

  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    // Chromium echoes every HTTP error response as "Failed to load resource": those are
    // judged below, by status and URL, where a test may have caused them on purpose.
    if (text.startsWith('Failed to load resource')) return;
    problems.push(`console error: ${text}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? '';
    if (reason.includes('ERR_ABORTED')) return; // navigations and reloads cancel requests in flight
    problems.push(`request failed: ${request.method()} ${request.url()} ${reason}`);
  });
  page.on('response', (response) => {
    if (response.status() < 400) return;
    const url = response.url();
    if (allowed.some((rule) => rule.status === response.status() && url.includes(rule.urlPart))) return;
    problems.push(`HTTP ${response.status()}: ${response.request().method()} ${url}`);
  });

  const response = await page.goto(`${BASE_URL}/${route}`, { waitUntil: 'domcontentloaded' });
  assert.ok(response && response.ok(), `the console loads from ${BASE_URL}/ (status ${response?.status()})`);
  await page.locator('nav[aria-label="Pages"]').waitFor();

  return {
    page,
    context,
    problems,
    allowHttpError(status, urlPart) {
      allowed.push({ status, urlPart });
    },
    assertClean() {
      assert.deepEqual(problems, [], `the page had no errors:\n${problems.join('\n')}`);
    },
    async close() {
      await context.close();
    },
  };
}

export async function screenshot(page, name) {
  if (!SCREENSHOT_DIR) return;
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  // Let transitions and the last renders settle before the picture.
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, name), fullPage: true });
}

/** Interactive elements without an accessible name (a label, text or aria-label), described. */
export function unnamedControls(page) {
  return page.evaluate(() => {
    const missing = [];
    for (const element of document.querySelectorAll('button, a[href], input, select, textarea, summary, [role="button"]')) {
      if (element.type === 'hidden' || element.closest('[hidden]')) continue;
      const labelled =
        (element.labels && element.labels.length > 0) ||
        element.getAttribute('aria-label') ||
        element.getAttribute('aria-labelledby') ||
        element.getAttribute('title') ||
        (element.textContent ?? '').trim();
      if (!labelled) missing.push(element.outerHTML.slice(0, 120));
    }
    return missing;
  });
}

/** A call from node: `{status, body}`, with the admin token on /admin and /internal. */
export async function api(method, route, body) {
  const headers = { Accept: 'application/json' };
  if ((route.startsWith('/admin/') || route.startsWith('/internal/')) && ADMIN_TOKEN) {
    headers.Authorization = `Bearer ${ADMIN_TOKEN}`;
  }
  if (process.env.SWITCHBOARD_API_KEY && (route.startsWith('/api/') || route.startsWith('/v1/'))) {
    headers.Authorization = `Bearer ${process.env.SWITCHBOARD_API_KEY}`;
  }
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${BASE_URL}${route}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/** Stores the admin token in the tab through the Operations page's form. */
export async function enterAdminToken(page, token = ADMIN_TOKEN) {
  await page.goto(`${BASE_URL}/#/operations`);
  const input = page.getByTestId('admin-token-input');
  await input.fill(token);
  await page.getByTestId('admin-token-save').click();
  await page.getByTestId('admin-token-status').waitFor();
}

export function requireAdminToken() {
  assert.ok(ADMIN_TOKEN, 'SWITCHBOARD_ADMIN_TOKEN must name the server\'s admin token');
}
