// End-to-end test of the built app through tauri-driver (WebDriver on 127.0.0.1:4444).
// Env: COMPTOIR_APP (app binary), E2E_EXPECTED_FIRST (name of the top winner for `month`),
//      E2E_ARTIFACTS (directory for screenshots).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { remote } from 'webdriverio';

const APP = process.env.COMPTOIR_APP;
const EXPECTED_FIRST = process.env.E2E_EXPECTED_FIRST;
const ARTIFACTS = process.env.E2E_ARTIFACTS || 'e2e-artifacts';
const WD_HOST = process.env.E2E_WEBDRIVER_HOST || '127.0.0.1';
const WD_PORT = Number(process.env.E2E_WEBDRIVER_PORT || 4444);

const sel = (testId) => `[data-testid="${testId}"]`;
/** "12,345" → 12345; NaN for anything that is not a formatted whole number. */
const parseCount = (text) => (/^\d{1,3}(,\d{3})*$/.test(text.trim()) ? Number(text.trim().replaceAll(',', '')) : NaN);

/** @type {WebdriverIO.Browser} */
let browser;

/**
 * Captures the X display (Xvfb) with ImageMagick. WebKitWebDriver's own
 * screenshot command hangs on some layouts under Xvfb and then blocks the whole
 * session, so the test does not depend on it.
 */
async function screenshot(name) {
  execFileSync('import', ['-window', 'root', join(ARTIFACTS, name)], { timeout: 15_000 });
}

describe('Comptoir desktop app', () => {
  before(async () => {
    assert.ok(APP, 'COMPTOIR_APP must be the path of the app binary');
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await remote({
      hostname: WD_HOST,
      port: WD_PORT,
      capabilities: {
        'tauri:options': { application: APP },
        'wdio:enforceWebDriverClassic': true,
      },
      logLevel: 'warn',
      connectionRetryTimeout: 120_000,
    });
  });

  after(async () => {
    if (!browser) return;
    try {
      await screenshot('final.png'); // whatever state a failure left behind
    } catch {
      /* the session may already be gone */
    }
    await browser.deleteSession();
  });

  it('opens on the Accountant tab', async () => {
    const tab = browser.$(sel('tab-accountant'));
    await tab.waitForDisplayed({ timeout: 30_000 });
    assert.equal(await tab.getAttribute('aria-selected'), 'true');
    await browser.$(sel('load-sample')).waitForClickable({ timeout: 30_000 });
    await browser.$(sel('choose-files')).waitForDisplayed();
  });

  it('imports the sample workbook and shows the counts', async () => {
    await browser.$(sel('load-sample')).click();
    await browser.waitUntil(
      async () => (await browser.$(sel('import-summary')).isExisting()) || (await browser.$(sel('import-error')).isExisting()),
      { timeout: 60_000, interval: 250, timeoutMsg: 'no import summary after 60 s' },
    );
    const error = browser.$(sel('import-error'));
    if (await error.isExisting()) assert.fail(`the sample import failed: ${await error.getText()}`);

    const lines = parseCount(await browser.$(sel('count-lines-new')).getText());
    assert.ok(Number.isInteger(lines) && lines > 0, `count-lines-new should be a positive integer, got ${lines}`);
    const products = parseCount(await browser.$(sel('count-products-new')).getText());
    assert.ok(products > 0, `count-products-new should be > 0, got ${products}`);
    await screenshot('accountant.png');
  });

  it('shows the top 10 winners of the month on the Administrator tab', async () => {
    await browser.$(sel('tab-admin')).click();
    const period = browser.$(sel('period'));
    await period.waitForDisplayed({ timeout: 30_000 });
    // Set the <select> from script: WebKitGTK opens a native popup menu on a
    // WebDriver click, and that menu blocks later screenshots.
    await browser.execute((s) => {
      const el = document.querySelector(s);
      if (el.value !== 'month') {
        el.value = 'month';
        el.dispatchEvent(new Event('change'));
      }
    }, sel('period'));
    assert.equal(await period.getValue(), 'month');

    await browser.waitUntil(async () => (await browser.$$(sel('winner-row'))).length === 10, {
      timeout: 30_000,
      interval: 250,
      timeoutMsg: 'the winners table never had 10 rows',
    });
    // textContent, not getText: exact characters, whatever the CSS does with overflow.
    const first = await browser.execute(
      (s) => document.querySelector(s)?.textContent ?? null,
      `${sel('winner-row')} [data-col="name"]`,
    );
    if (EXPECTED_FIRST) assert.equal(first?.trim(), EXPECTED_FIRST.trim());
    else assert.ok(first && first.trim() !== '', 'the first winner has no name (E2E_EXPECTED_FIRST not set)');

    const rects = await browser.execute(
      (s) => document.querySelectorAll(s).length,
      `${sel('winners-chart')} svg rect`,
    );
    assert.ok(rects >= 10, `the chart should hold at least 10 rect elements, got ${rects}`);
    assert.match(await browser.$(sel('as-of')).getText(), /^As of /);
    await screenshot('administrator.png');
  });
});
