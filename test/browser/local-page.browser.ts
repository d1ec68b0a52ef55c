/**
 * The local page (`npm start`) in a real browser, used as a person would: Debian's Chromium driven by
 * playwright-core against the whole local stack on free ports. Run with `npm run test:browser`
 * (jest.browser.config.js); `npm test` does not need a browser. Screenshots go to test-results/ (gitignored).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import type { LogPort } from '../../app/events/process-events';
import { type LocalStack, startLocalStack } from '../../app/local/stack';
import { DEFAULT_ESCALATION_POLICY, ESCALATION_STEP_COUNT } from '../../src/model/escalation-policy';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RESULTS = join(__dirname, '..', '..', 'test-results');
/**
 * The page polls every second, so a change shows within a few polls; the bound is generous because the machine is
 * shared (this is a time-out, not a performance check).
 */
const SEEN_WITHIN = { timeout: 45_000 };

let stack: LocalStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];
const serverLog: string[] = [];

function watchForProblems(target: Page, who: string): void {
  target.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      problems.push(`${who} console ${message.type()}: ${message.text()}`);
  });
  target.on('pageerror', (error) => problems.push(`${who} page error: ${error.message}`));
  target.on('requestfailed', (request) => problems.push(`${who} request failed: ${request.url()}`));
  // Confirmation dialogs (the digest's "Acknowledge all listed") are accepted, as a person would.
  target.on('dialog', (dialog) => void dialog.accept());
}

/** Waits until `read()` satisfies `done`, as a person watching the page would; fails with the last value seen. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<void> {
  const deadline = Date.now() + SEEN_WITHIN.timeout;
  let last: T = await read();
  while (!done(last)) {
    if (Date.now() > deadline)
      throw new Error(`${what}: still ${JSON.stringify(last)} after ${SEEN_WITHIN.timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    last = await read();
  }
}

async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: join(RESULTS, `${name}.png`), fullPage: false });
}

/** Channel messages (not ephemerals) whose text matches. */
function message(target: Page, text: string | RegExp): Locator {
  return target.locator('#timeline article.message:not(.ephemeral)').filter({ hasText: text });
}

/** A channel message by its Slack ts, however often the page re-renders it. */
function byTs(target: Page, ts: string): Locator {
  return target.locator(`#timeline article.message[data-ts="${ts}"]`);
}

/** The ts of the first alert that still has its Acknowledge button, skipping `taken`. */
async function openAlertTs(target: Page, taken: readonly string[]): Promise<string> {
  const alerts = target.locator('#timeline article.message:not(.ephemeral)').filter({
    has: target.getByRole('button', { name: 'Acknowledge', exact: true }),
  });
  for (const ts of await alerts.evaluateAll((nodes) =>
    nodes.map((n) => (n as { dataset: { ts: string } }).dataset.ts),
  )) {
    if (!taken.includes(ts)) return ts;
  }
  throw new Error('no open alert left');
}

async function actAs(target: Page, userId: string): Promise<void> {
  await target.locator('#user-picker').selectOption(userId);
  await target.waitForFunction(
    (id) =>
      (
        globalThis as { document?: { querySelector(s: string): { value: string } | null } }
      ).document?.querySelector('#user-picker')?.value === id,
    userId,
  );
}

async function command(target: Page, text: string): Promise<void> {
  await target.locator('#command').fill(text);
  await target.locator('#composer button[type="submit"]').click();
  // The composer is cleared once the app answered (it keeps the text when the command could not be sent).
  await until(
    () => target.locator('#command').inputValue(),
    (value) => value === '',
    `${text} answered`,
  );
}

/** The newest ephemeral reply the current user sees. */
function lastEphemeral(target: Page): Locator {
  return target.locator('#timeline article.message.ephemeral').last();
}

const quiet: LogPort = {
  info: () => undefined,
  warn: (message) => serverLog.push(`warn ${message}`),
  error: (message) => serverLog.push(`error ${message}`),
};

beforeAll(async () => {
  mkdirSync(RESULTS, { recursive: true });
  // Free ports, data in memory, Slack's pace turned off so the samples arrive in a second or two.
  stack = await startLocalStack({ postIntervalMs: 0, slackRateLimit: false, log: quiet });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // The container has no user namespaces for Chromium's sandbox; the page is our own, on 127.0.0.1.
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-default-apps',
      '--disable-sync',
      '--no-first-run',
      '--no-default-browser-check',
      '--metrics-recording-only',
      '--disable-features=Translate,OptimizationHints,MediaRouter',
    ],
  });
  context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'en-US' });
  page = await context.newPage();
  watchForProblems(page, 'page');
  await page.goto(stack.url);
}, 120_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await stack?.stop();
});

describe('the local Slack page in Chromium', () => {
  const acknowledged: string[] = [];

  it('shows the sample alerts after Replay samples', async () => {
    // Act
    await page.getByRole('button', { name: 'Replay samples' }).click();
    // The button stays disabled until the events function has taken every sample.
    await page.locator('#replay:enabled').waitFor({ timeout: 90_000 });

    // Assess
    await until(
      () => page.getByRole('button', { name: 'Acknowledge', exact: true }).count(),
      (count) => count === stack.sampleCount,
      'Acknowledge buttons',
    );
    await expect(page.locator('#channel-name').textContent()).resolves.toBe('# infrawatch');
    await screenshot('01-samples');
  });

  it('shows the sample EventBridge lost, recovered from CloudTrail by the reconciliation', async () => {
    // Act: the local stack reconciles every few seconds; the button runs it at once.
    await page.getByRole('button', { name: 'Run reconciliation' }).click();

    // Assess
    await page.getByText('Recovered from CloudTrail').first().waitFor({ timeout: 30_000 });
  });

  it('acknowledges as alice, and bob sees the message change', async () => {
    // Prepare
    await actAs(page, 'U0ALICE');
    const ts = await openAlertTs(page, acknowledged);
    acknowledged.push(ts);

    // Act
    await byTs(page, ts).getByRole('button', { name: 'Acknowledge', exact: true }).click();

    // Assess
    await byTs(page, ts).filter({ hasText: 'Acknowledged by @alice' }).waitFor(SEEN_WITHIN);
    await expect(
      byTs(page, ts).getByRole('button', { name: 'Acknowledge', exact: true }).count(),
    ).resolves.toBe(0);
    const bob = await context.newPage();
    watchForProblems(bob, 'bob');
    await bob.goto(stack.url);
    await actAs(bob, 'U0BOB');
    await byTs(bob, ts).filter({ hasText: 'Acknowledged by @alice' }).waitFor(SEEN_WITHIN);
    await bob.close();
    await screenshot('02-acknowledged');
  });

  it('tells bob, who was writing a note on the same alert, that alice acknowledged it first', async () => {
    // Prepare: bob opens "Acknowledge with note…" on an open alert; alice acknowledges it meanwhile.
    const ts = await openAlertTs(page, acknowledged);
    acknowledged.push(ts);
    const bob = await context.newPage();
    watchForProblems(bob, 'bob');
    await bob.goto(stack.url);
    await actAs(bob, 'U0BOB');
    await byTs(bob, ts).getByRole('button', { name: 'More actions' }).click();
    await byTs(bob, ts).getByRole('button', { name: 'Acknowledge with note…' }).click();
    const modal = bob.locator('form.modal');
    await modal.waitFor(SEEN_WITHIN);
    await modal.locator('textarea, input').first().fill('rolled back');
    await byTs(page, ts).getByRole('button', { name: 'Acknowledge', exact: true }).click();
    await byTs(page, ts).filter({ hasText: 'Acknowledged by @alice' }).waitFor(SEEN_WITHIN);

    // Act
    await modal.getByRole('button', { name: 'Acknowledge' }).click();

    // Assess
    await modal
      .filter({ hasText: /Already acknowledged by alice at .*; your note was not saved\./ })
      .waitFor(SEEN_WITHIN);
    await bob.screenshot({ path: join(RESULTS, '03-already-acknowledged.png') });
    await modal.getByRole('button', { name: 'Cancel' }).click();
    await modal.waitFor({ state: 'detached', ...SEEN_WITHIN });
    await bob.close();
  });

  it("opens Investigate with the change and the actor's history, for the clicker only", async () => {
    // Prepare
    await actAs(page, 'U0CAROL');
    const ts = await openAlertTs(page, acknowledged);

    // Act
    await byTs(page, ts).getByRole('button', { name: 'Investigate' }).click();

    // Assess
    const modal = page.locator('form.modal');
    await modal.waitFor(SEEN_WITHIN);
    await expect(modal.locator('h2').textContent()).resolves.toBe('Investigate');
    await modal.filter({ hasText: 'Other changes by this actor in the last 24 hours' }).waitFor();
    await byTs(page, ts).filter({ hasText: 'Investigating: @carol' }).waitFor(SEEN_WITHIN);
    await screenshot('04-investigate');
    await modal.getByRole('button', { name: 'Close' }).click();
    await modal.waitFor({ state: 'detached' });
  });

  it('acknowledges with a note from the ⋯ menu', async () => {
    // Prepare
    await actAs(page, 'U0BOB');
    const ts = await openAlertTs(page, acknowledged);
    acknowledged.push(ts);
    await byTs(page, ts).getByRole('button', { name: 'More actions' }).click();
    await byTs(page, ts).getByRole('button', { name: 'Acknowledge with note…' }).click();
    const modal = page.locator('form.modal');
    await modal.waitFor(SEEN_WITHIN);

    // Act
    await modal.locator('textarea, input').first().fill('expected: bastion rebuild <b>ok</b>');
    await modal.getByRole('button', { name: 'Acknowledge' }).click();

    // Assess
    await modal.waitFor({ state: 'detached', ...SEEN_WITHIN });
    await byTs(page, ts).filter({ hasText: 'Acknowledged by @bob' }).waitFor(SEEN_WITHIN);
    await byTs(page, ts).filter({ hasText: 'expected: bastion rebuild <b>ok</b>' }).waitFor();
  });

  it('mutes a watch from the ⋯ menu, announced in the channel', async () => {
    // Prepare
    const ts = await openAlertTs(page, acknowledged);
    const before = await message(page, /muted/i).count();

    // Act
    await byTs(page, ts).getByRole('button', { name: 'More actions' }).click();
    await byTs(page, ts).getByRole('button', { name: 'Mute this watch for 1h' }).click();

    // Assess
    await until(
      () => message(page, /muted/i).count(),
      (count) => count > before,
      'mute announcements',
    );
  });

  it('runs /infrawatch subscribe, mute, list and answers a typo with a suggestion', async () => {
    // Act & Assess
    await actAs(page, 'U0ALICE');
    // The stack's channel gets every watch (its first event subscribed it to all): take ec2 away, then back.
    await command(page, '/infrawatch unsubscribe ec2');
    await message(page, '@alice unsubscribed this channel from ec2').waitFor(SEEN_WITHIN);
    await command(page, '/infrawatch subscribe ec2');
    await message(page, '@alice subscribed this channel to ec2').waitFor(SEEN_WITHIN);
    await command(page, '/infrawatch mute iam for 2h');
    await message(page, /@alice muted iam for 2\s?h/).waitFor(SEEN_WITHIN);
    await command(page, '/infrawatch list');
    await lastEphemeral(page).filter({ hasText: /iam/ }).filter({ hasText: /ec2/ }).waitFor(SEEN_WITHIN);
    await screenshot('05-list');
    await command(page, '/infrawatch subscribe ec3');
    await lastEphemeral(page)
      .filter({ hasText: "Unknown watch 'ec3' — did you mean 'ec2'?" })
      .waitFor(SEEN_WITHIN);
  });

  it('asks alice "Was this you?" in her direct messages; her "No" pings the channel', async () => {
    // Prepare: the sample access key was created by alice's IAM Identity Center session.
    await actAs(page, 'U0ALICE');
    const question = page.locator('#dms article.message').filter({ hasText: 'Was this you?' });
    await question.waitFor(SEEN_WITHIN);
    await screenshot('05b-was-this-you');

    // Act
    await question.getByRole('button', { name: "No, this wasn't me" }).click();

    // Assess: the DM shows the answer, the channel got the reply, the alert says it.
    await question.filter({ hasText: "You said this wasn't you" }).waitFor(SEEN_WITHIN);
    await expect(question.getByRole('button', { name: "No, this wasn't me" }).count()).resolves.toBe(0);
    await message(page, 'says this change was not theirs:').first().waitFor(SEEN_WITHIN);
    await message(page, 'says this change was not theirs (raised to critical)').first().waitFor(SEEN_WITHIN);
    await screenshot('05c-not-me');
  });

  it('escalates an alert nobody acknowledged: "⏰ … still not acknowledged" in its thread and in the channel', async () => {
    // Prepare: the stack divides escalation waits and sweeps every few seconds (GET /api/clock, which the page
    // explains too). Critical alerts posted with the samples get their last step 2 × 15 min (scaled) after
    // their post; the wait is bounded by that plus two sweeps and the usual margin, never slept through.
    const clock = (await (await fetch(new URL('/api/clock', stack.url))).json()) as {
      escalationTimeScale: number;
      sweepEverySeconds: number;
    };
    const lastStepMs =
      (ESCALATION_STEP_COUNT * DEFAULT_ESCALATION_POLICY.afterMs) / clock.escalationTimeScale +
      2 * clock.sweepEverySeconds * 1000;
    await page
      .locator('#time-warp')
      .filter({ hasText: `divided by ${clock.escalationTimeScale}` })
      .waitFor();
    const stillOpen = page
      .locator('#timeline > article.message:not(.ephemeral)')
      .filter({ has: page.getByRole('button', { name: 'Acknowledge', exact: true }) });
    const step = (within: Page | Locator) =>
      within.locator('.thread article.message').filter({ hasText: /⏰ .*still not acknowledged/ });

    // Act: nobody acknowledges; the sweep runs.
    const escalated = stillOpen.filter({ has: step(page) }).first();
    await escalated.waitFor({ timeout: lastStepMs + SEEN_WITHIN.timeout });

    // Assess: the step is in the open alert's thread, and broadcast to the channel where everyone sees it.
    const replyTs = await step(escalated).first().getAttribute('data-ts');
    const broadcast = page.locator(`#timeline > article.message.broadcast[data-ts="${replyTs}"]`);
    await broadcast.filter({ hasText: 'replied to a thread' }).waitFor(SEEN_WITHIN);
    await expect(broadcast.textContent()).resolves.toMatch(
      /⏰ @here .*Critical alert still not acknowledged/,
    );
    await broadcast.scrollIntoViewIfNeeded();
    await screenshot('06-escalation');
  });

  it('runs the daily digest and acknowledges everything it lists', async () => {
    // Act
    await page.getByRole('button', { name: 'Run daily digest' }).click();
    const digest = message(page, /Daily digest|open alert/i).filter({
      has: page.getByRole('button', { name: 'Acknowledge all listed' }),
    });
    await digest.waitFor(SEEN_WITHIN);
    await screenshot('07-digest');
    await digest.getByRole('button', { name: 'Acknowledge all listed' }).click();

    // Assess: every alert is acknowledged, and the digest says so.
    await until(
      () => page.getByRole('button', { name: 'Acknowledge', exact: true }).count(),
      (count) => count === 0,
      'Acknowledge buttons left',
    );
    await screenshot('08-all-acknowledged');
  });

  it('serves the favicon the page names, and at /favicon.ico', async () => {
    const href = await page.locator('link[rel="icon"]').getAttribute('href');
    for (const path of [href ?? '', '/favicon.ico']) {
      const response = await fetch(new URL(path, stack.url));
      expect({ path, status: response.status, type: response.headers.get('content-type') }).toEqual({
        path,
        status: 200,
        type: expect.stringMatching(/^image\//),
      });
    }
  });

  it('logged no console error, failed request or page error', () => {
    expect(problems).toEqual([]);
    // The samples lose one event on purpose (so a newcomer sees a recovered alert): its recovery is the one
    // warning the server is expected to log.
    expect(serverLog.filter((line) => line !== 'warn Recovered changes EventBridge never delivered')).toEqual(
      [],
    );
  });
});
