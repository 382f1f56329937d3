import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { Runstream } from '../src/index.js';
import { textAgent, toolAgent } from './support/mastra-fixtures.js';
import { FaultyProxy } from './support/proxy.js';
import { endedSummary, RUNSTREAM_URL } from './support/runs.js';
import { startServe, type RunningServe } from './support/serve.js';

// The run viewer `serve` hands out, in Debian's headless Chromium (installed by install-chromium.sh), against a
// real `serve`, through a proxy that can break the page's connections as a network would. Playwright gives each
// launch a fresh, empty profile (its own --user-data-dir).
const here = dirname(fileURLToPath(import.meta.url));
const packageDir = resolve(here, '../..');
const shots = resolve(packageDir, 'target', 'viewer-screenshots');
const runstream = new Runstream({ url: RUNSTREAM_URL });
const ADMIN = 'viewer-admin-S3cr3t';

let browser: Browser;
const proxies: FaultyProxy[] = [];

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.RUNSTREAM_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  mkdirSync(shots, { recursive: true });
});

after(async () => {
  await browser?.close();
  await Promise.all(proxies.map((proxy) => proxy.close()));
});

/** A page whose every request is recorded, and whose script errors fail the test. */
async function open(context: BrowserContext): Promise<{ page: Page; urls: string[]; errors: string[] }> {
  const page = await context.newPage();
  const urls: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => void urls.push(request.url()));
  page.on('pageerror', (error) => void errors.push(error.message));
  return { page, urls, errors };
}

async function texts(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).evaluateAll((nodes) => nodes.map((node) => node.textContent ?? ''));
}

describe('viewer', () => {
  it('shouldShowRunsAppearAndFinishLiveAndAStreamingRunResumedWithoutDuplicatesAfterItsConnectionBreaks', async () => {
    const proxy = await FaultyProxy.start(RUNSTREAM_URL, {});
    proxies.push(proxy);
    const context = await browser.newContext({ viewport: { width: 1300, height: 850 } });
    const { page, urls, errors } = await open(context);
    await page.goto(`${proxy.url}/`);
    await page.waitForSelector('#connection[data-state="live"]');

    const stamp = Date.now();
    const slowRun = `viewer-slow-${stamp}`;
    const toolRun = `viewer-tool-${stamp}`;
    const deltas = Array.from({ length: 160 }, (_, i) => `w${i} `);
    const slow = await textAgent(deltas, 50).stream('Count.', { runId: slowRun } as never);
    const slowPublished = runstream.publish(slow);
    const tool = await toolAgent().stream('Weather in Paris?', { runId: toolRun } as never);
    const toolPublished = runstream.publish(tool);

    await page.waitForSelector(`#runs tr[data-run-id="${slowRun}"][data-status="running"]`, { timeout: 30_000 });
    await page.waitForSelector(`#runs tr[data-run-id="${toolRun}"][data-status="success"]`, { timeout: 30_000 });
    await page.screenshot({ path: join(shots, 'runs.png') });

    await page.click(`a[href="/runs/${slowRun}"]`);
    await page.waitForURL(`**/runs/${slowRun}`);
    await page.waitForFunction(() => (document.getElementById('run-text')?.textContent ?? '').length > 20);
    const partial = await page.textContent('#run-text');
    proxy.cutAll();
    await page.waitForSelector('#stream-state[data-ended="true"]', { timeout: 60_000 });
    await slowPublished;
    const summary = await endedSummary(slowRun);
    const shown = await page.textContent('#run-text');
    assert.equal(shown, summary.text, 'the streamed text is the summary text');
    assert.ok(partial && partial.length < shown!.length && shown!.startsWith(partial), 'it came token by token');
    const sequences = (await page.locator('#raw div').evaluateAll((nodes) =>
      nodes.map((node) => Number((node as HTMLElement).dataset.seq))));
    assert.deepEqual(sequences, Array.from({ length: summary.lastSequence + 1 }, (_, i) => i),
      'every chunk once, in order, across the break');
    assert.ok(await page.evaluate(() => (window as unknown as { runstreamViewer: { connects: number } })
      .runstreamViewer.connects) >= 2, 'the page connected again after the break');
    assert.equal(await page.getAttribute('#summary', 'data-status'), 'success');

    await page.goto(`${proxy.url}/runs/${toolRun}`);
    await toolPublished;
    await page.waitForSelector('#stream-state[data-ended="true"]');
    const toolSummary = await endedSummary(toolRun);
    const calls = await page.locator('#tool-calls li').evaluateAll((nodes) => nodes.map((node) => ({
      id: (node as HTMLElement).dataset.toolCallId, name: (node as HTMLElement).dataset.toolName,
      state: (node as HTMLElement).dataset.state })));
    assert.deepEqual(calls, toolSummary.toolCalls.map((call: { toolCallId: string; toolName: string }) => ({
      id: call.toolCallId, name: call.toolName, state: 'ok' })));
    assert.match((await texts(page, '#tool-calls li .args'))[0]!, /"city":"Paris"/);
    assert.match(await page.textContent('#run-text') ?? '', /19 °C/);
    await page.screenshot({ path: join(shots, 'run.png'), fullPage: true });

    await page.goto(`${proxy.url}/?q=${encodeURIComponent(`viewer-slow-${stamp}`)}`);
    await page.waitForSelector(`#runs tr[data-run-id="${slowRun}"][data-status="success"]`);
    assert.deepEqual(await page.locator('#runs tr').evaluateAll((rows) =>
      rows.map((row) => (row as HTMLElement).dataset.runId)), [slowRun], 'the search keeps the runs it matches');

    const hosts = new Set(urls.map((url) => new URL(url).host));
    assert.deepEqual([...hosts], [new URL(proxy.url).host], 'no request to any host but serve');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('shouldAskForTheTokenOnceAndNeverPutItInAUrl', async () => {
    const guarded: RunningServe = await startServe(packageDir, ['--config', `http.auth.token=${ADMIN}`]);
    try {
      const run = `viewer-auth-${Date.now()}`;
      const guardedClient = new Runstream({ url: guarded.url, token: ADMIN });
      await guardedClient.publish(await textAgent().stream('Hi.', { runId: run } as never));
      const context = await browser.newContext();
      const { page, urls, errors } = await open(context);
      await page.goto(`${guarded.url}/`);
      await page.waitForSelector('form.token');
      await page.fill('form.token input[name="token"]', 'not-the-token');
      await page.click('form.token button');
      await page.waitForSelector('form.token .error:not([hidden])');
      await page.fill('form.token input[name="token"]', ADMIN);
      await page.click('form.token button');
      await page.waitForSelector(`#runs tr[data-run-id="${run}"]`, { timeout: 30_000 });
      await page.click(`a[href="/runs/${run}"]`);
      await page.waitForSelector('#stream-state[data-ended="true"]');
      assert.equal(await page.textContent('#run-text'), 'The capital of France is Paris.');
      assert.equal(await page.locator('form.token').count(), 0, 'asked once: the tab keeps it');
      assert.ok(urls.every((url) => !url.includes(ADMIN) && !url.includes('not-the-token')), urls.join('\n'));
      assert.deepEqual(errors, []);
      await context.close();
    } finally {
      await guarded.stop();
    }
  });
});
