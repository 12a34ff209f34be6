// End-to-end test of the built app through tauri-driver (WebDriver on 127.0.0.1:4444).
// Env: COMPTOIR_APP (app binary), E2E_EXPECTED_FIRST (name of the top winner for `month`),
//      E2E_ARTIFACTS (screenshots, figures), COMPTOIR_TEST_SAVE_DIR (where "save" dialogs save).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { inflateRawSync } from 'node:zlib';
import { remote } from 'webdriverio';

const APP = process.env.COMPTOIR_APP;
const EXPECTED_FIRST = process.env.E2E_EXPECTED_FIRST;
const ARTIFACTS = process.env.E2E_ARTIFACTS || 'e2e-artifacts';
const SAVE_DIR = process.env.COMPTOIR_TEST_SAVE_DIR;
const WD_HOST = process.env.E2E_WEBDRIVER_HOST || '127.0.0.1';
const WD_PORT = Number(process.env.E2E_WEBDRIVER_PORT || 4444);

const sel = (testId) => `[data-testid="${testId}"]`;
/** "20,000" or "20 000" (French, no-break space) → 20000. */
const parseCount = (text) => (/^[\d\s,.\u00a0\u202f]+$/.test(text.trim()) ? Number(text.replace(/\D/g, '')) : NaN);

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

/** Calls a Rust command from the page, as the UI would; resolves to {ok, value|error}. */
async function invokeFromPage(command, args = {}) {
  // A returned promise is awaited by WebDriver; JSON keeps the answer plain.
  const json = await browser.execute(
    (cmd, a) =>
      window.__TAURI_INTERNALS__
        .invoke(cmd, a)
        .then((value) => JSON.stringify({ ok: true, value }))
        .catch((error) => JSON.stringify({ ok: false, error })),
    command,
    args,
  );
  return JSON.parse(json);
}

/** Sets a <select> from script: WebKitGTK opens a native popup menu on a WebDriver click. */
async function choose(testId, value) {
  await browser.execute(
    (s, v) => {
      const el = document.querySelector(s);
      el.value = v;
      el.dispatchEvent(new Event('change', { bubbles: true }));
    },
    sel(testId),
    value,
  );
}

async function text(testId) {
  return browser.execute((s) => document.querySelector(s)?.textContent?.trim() ?? null, sel(testId));
}

/** The entries of a ZIP file (an .xlsx), name → text, with Node's zlib only. */
function unzip(path) {
  const buf = readFileSync(path);
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const files = {};
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLen);
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(dataAt, dataAt + size);
    files[name] = (method === 8 ? inflateRawSync(raw) : raw).toString('utf8');
    at += 46 + nameLen + extraLen + commentLen;
  }
  return files;
}

/** A WebDriver session on a freshly started app window. */
function openApp() {
  return remote({
    hostname: WD_HOST,
    port: WD_PORT,
    capabilities: {
      'tauri:options': { application: APP },
      'wdio:enforceWebDriverClassic': true,
    },
    logLevel: 'warn',
    connectionRetryTimeout: 120_000,
  });
}

describe('Comptoir desktop app', () => {
  before(async () => {
    assert.ok(APP, 'COMPTOIR_APP must be the path of the app binary');
    assert.ok(SAVE_DIR, 'COMPTOIR_TEST_SAVE_DIR must be set');
    assert.ok(process.env.COMPTOIR_DB, 'COMPTOIR_DB must be the store of the test');
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await openApp();
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

  it('opens on the role screen and records the start-up time', async () => {
    await browser.$(sel('role-screen')).waitForDisplayed({ timeout: 30_000 });
    await browser.waitUntil(async () => (await browser.execute(() => document.documentElement.dataset.firstScreenMs)) != null, {
      timeout: 10_000,
    });
    const ms = Number(await browser.execute(() => document.documentElement.dataset.firstScreenMs));
    assert.ok(ms > 0, `first screen time ${ms}`);
    writeFileSync(join(ARTIFACTS, 'first-screen-ms.txt'), `${ms}\n`);
    await screenshot('role.png');
  });

  it('refuses admin-only and undeclared commands before a role and as the accountant', async () => {
    const before = await invokeFromPage('dashboard', { window: 'month', asOf: null });
    assert.equal(before.ok, false);
    assert.equal(before.error.code, 'forbidden');

    await browser.$(sel('role-accountant')).click();
    await browser.$(sel('tab-import')).waitForDisplayed({ timeout: 10_000 });
    for (const [command, args] of [
      ['dashboard', { window: 'month', asOf: null }],
      ['export_dashboard', { window: 'month', asOf: null }],
      ['set_setting', { key: 'gold_min', value: '1' }],
      ['set_passphrase', { current: null, next: 'take-over' }],
    ]) {
      const r = await invokeFromPage(command, args);
      assert.equal(r.ok, false, `${command} should be refused to the accountant`);
      assert.equal(r.error.code, 'forbidden', `${command}: ${JSON.stringify(r.error)}`);
    }
    // Not an app command, and no plugin is granted: the ACL refuses it in Tauri itself.
    const fs = await invokeFromPage('plugin:fs|read_text_file', { path: '/etc/passwd' });
    assert.equal(fs.ok, false);
    assert.doesNotMatch(JSON.stringify(fs.error), /root:/);
    assert.equal(existsSync(join(SAVE_DIR, 'comptoir-dashboard.xlsx')), false);
    await screenshot('import-empty.png');
  });

  it('previews the sample, then imports it on confirmation', async () => {
    await browser.$(sel('load-sample')).click();
    await browser.$(sel('import-preview')).waitForDisplayed({ timeout: 60_000 });
    assert.equal(parseCount(await text('count-lines-new')), 20_000);
    assert.equal(parseCount(await text('count-products-new')), 150);
    assert.equal(parseCount(await text('count-clients-new')), 250);
    await screenshot('import-preview.png');

    await browser.$(sel('confirm-import')).click();
    await browser.waitUntil(
      async () => (await browser.$(sel('import-summary')).isExisting()) || (await browser.$(sel('import-error')).isExisting()),
      { timeout: 60_000, interval: 250, timeoutMsg: 'no import summary after 60 s' },
    );
    const error = browser.$(sel('import-error'));
    if (await error.isExisting()) assert.fail(`the sample import failed: ${await error.getText()}`);
    assert.equal(parseCount(await text('count-lines-new')), 20_000);
    await screenshot('import-summary.png');

    await browser.$(sel('tab-history')).click();
    await browser.$(sel('history-row-1')).waitForDisplayed({ timeout: 10_000 });
    await browser.$(sel('undo-1')).waitForDisplayed();
    await screenshot('history.png');
  });

  it('shows the administrator the KPIs and the top 10 of the month, then of the week', async () => {
    await browser.$(sel('switch-role')).click();
    await browser.$(sel('role-admin')).waitForClickable({ timeout: 10_000 });
    await browser.$(sel('role-admin')).click();
    const passphrase = browser.$(sel('role-passphrase'));
    if (await passphrase.isExisting()) await browser.$(sel('role-submit')).click();
    await browser.$(sel('period')).waitForDisplayed({ timeout: 30_000 });
    await choose('period', 'month');
    await browser.waitUntil(async () => (await browser.$$(sel('winner-row'))).length === 10, {
      timeout: 30_000,
      interval: 250,
      timeoutMsg: 'the winners table never had 10 rows',
    });
    const first = await browser.execute((s) => document.querySelector(s)?.cells[2]?.textContent ?? null, sel('winner-row'));
    if (EXPECTED_FIRST) assert.equal(first?.trim(), EXPECTED_FIRST.trim());
    else assert.ok(first && first.trim() !== '', 'the first winner has no name');
    const monthRevenue = await text('kpi-revenue');
    assert.match(monthRevenue ?? '', /\d/);
    for (const chart of ['winners', 'revenue_profit', 'loss_risk', 'tiers', 'categories']) {
      const shapes = await browser.execute((s) => document.querySelectorAll(`${s} svg rect, ${s} svg polyline`).length, sel(`chart-${chart}`));
      assert.ok(shapes > 0, `chart ${chart} is drawn`);
    }
    await screenshot('dashboard.png');

    await choose('period', 'week');
    await browser.waitUntil(async () => (await text('kpi-revenue')) !== monthRevenue, {
      timeout: 30_000,
      interval: 250,
      timeoutMsg: 'the KPIs did not change with the period',
    });
    assert.ok((await browser.$$(sel('winner-row'))).length > 0);
    await choose('period', 'month');
    await browser.waitUntil(async () => (await text('kpi-revenue')) === monthRevenue, { timeout: 30_000, interval: 250 });
  });

  it('exports the dashboard as an Excel workbook that reads back', async () => {
    await browser.$(sel('export-excel')).click();
    const out = join(SAVE_DIR, 'comptoir-dashboard.xlsx');
    await browser.waitUntil(async () => existsSync(out), { timeout: 30_000, interval: 250, timeoutMsg: 'no workbook written' });
    await browser.pause(500); // let the writer finish the file
    const files = unzip(out);
    assert.match(files['xl/workbook.xml'], /name="Winners"/);
    assert.match(files['xl/workbook.xml'], /name="Loss risk"/);
    if (EXPECTED_FIRST) assert.ok(files['xl/sharedStrings.xml'].includes(EXPECTED_FIRST), 'the top winner is in the workbook');
  });

  it('keeps its layout at 1024×700 and in the dark theme', async () => {
    await browser.$(sel('tab-settings')).click();
    await browser.$(sel('theme')).waitForDisplayed({ timeout: 10_000 });
    await screenshot('settings.png');
    await choose('theme', 'dark');
    await browser.$(sel('tab-dashboard')).click();
    await browser.$(sel('period')).waitForDisplayed({ timeout: 10_000 });
    await browser.setWindowSize(1024, 700);
    await browser.pause(500);
    const overflow = await browser.execute(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px at 1024×700`);
    await screenshot('dashboard-dark-1024.png');
  });

  it('ends the administrator role in Rust on Switch role and on a reload', async () => {
    await browser.$(sel('switch-role')).click();
    await browser.$(sel('role-screen')).waitForDisplayed({ timeout: 10_000 });
    const left = await invokeFromPage('dashboard', { window: 'month', asOf: null });
    assert.equal(left.ok, false, 'Switch role ended the role in Rust');
    assert.equal(left.error.code, 'forbidden');
    assert.equal((await invokeFromPage('choose_role', { role: 'admin', passphrase: null })).ok, true);
    await browser.refresh();
    await browser.$(sel('role-screen')).waitForDisplayed({ timeout: 30_000 });
    const reloaded = await invokeFromPage('dashboard', { window: 'month', asOf: null });
    assert.equal(reloaded.ok, false, 'a reload ended the role in Rust');
    assert.equal(reloaded.error.code, 'forbidden');
    const info = await invokeFromPage('app_info');
    assert.equal(info.value.role, null);
  });

  it('hands a second start over to the open window instead of opening the store twice', async () => {
    const second = spawnSync(APP, [], { env: process.env, encoding: 'utf8', timeout: 30_000 });
    assert.equal(second.status, 0, `second start: ${second.stderr}`);
    assert.match(second.stdout, /Comptoir is already open on .*; its window was brought to the front\./);
    const info = await invokeFromPage('app_info');
    assert.equal(info.ok, true, 'the first window still answers');
    assert.equal(info.value.has_data, true);
  });

  it('offers to rebuild a damaged store from its lake, and keeps the damaged file', async () => {
    await browser.deleteSession(); // the app exits and releases the store
    browser = undefined;
    const db = process.env.COMPTOIR_DB;
    await new Promise((r) => setTimeout(r, 1000));
    const bytes = readFileSync(db);
    bytes.fill(0x5a, 0, 8192); // its first blocks overwritten
    writeFileSync(db, bytes);

    browser = await openApp();
    await browser.$(sel('recovery-screen')).waitForDisplayed({ timeout: 30_000 });
    const said = await text('recovery-screen');
    assert.match(said, /cannot be opened/);
    assert.match(said, /it can be rebuilt from the lake at /);
    await screenshot('recovery.png');

    await browser.$(sel('recovery-rebuild')).click();
    await browser.$(sel('role-screen')).waitForDisplayed({ timeout: 60_000 });
    const kept = readdirSync(dirname(db)).filter((n) => n.includes('.damaged-') && !n.endsWith('.wal'));
    assert.equal(kept.length, 1, `the damaged file is kept aside: ${kept}`);
    assert.deepEqual(readFileSync(join(dirname(db), kept[0])).subarray(0, 8192), bytes.subarray(0, 8192));
    assert.equal((await invokeFromPage('choose_role', { role: 'accountant', passphrase: null })).ok, true);
    const history = await invokeFromPage('history');
    assert.equal(history.ok, true, JSON.stringify(history));
    assert.equal(history.value.length, 1, 'the import came back from the lake');
  });
});
