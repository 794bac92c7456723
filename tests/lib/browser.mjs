// Browser helpers for the e2e tests: launch Debian's chromium through playwright-core (no
// browser is ever downloaded), log in through the real form, check a page with axe-core, and
// take screenshots for a person to look at.
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import assert from 'node:assert/strict';

import { DEMO_PASSWORD } from './server.mjs';

const require = createRequire(import.meta.url);

export const CHROMIUM = process.env.TILSYN_CHROMIUM || '/usr/bin/chromium';
export const SHOTS = process.env.TILSYN_SHOTS || '/tmp/e2e-shots';
export const DESKTOP = { width: 1366, height: 768 };
export const PHONE = { width: 390, height: 844 };

// Chromium as root, headless, with nothing that talks to the network on its own.
export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

// A fresh context (own cookies) and page; `viewport` defaults to the desktop size.
export async function newPage(browser, { viewport = DESKTOP, reducedMotion } = {}) {
  const context = await browser.newContext({ viewport, locale: 'da-DK', reducedMotion });
  const page = await context.newPage();
  page.setDefaultTimeout(5000);
  return page;
}

// A page (as newPage) that fails the test when a POST's navigation is answered with anything
// but a redirect: post/redirect/get, so every page a person sees is a GET.
export async function newPagePostRedirects(browser, viewport = DESKTOP) {
  const page = await newPage(browser, { viewport });
  page.on('response', (res) => {
    if (res.request().isNavigationRequest() && res.request().method() === 'POST' && res.status() !== 303)
      throw new Error(`POST ${res.url()} answered ${res.status()}, not 303`);
  });
  return page;
}

// Logs in through the real form on /login; resolves once the next page has loaded.
export async function login(page, base, user, password = DEMO_PASSWORD) {
  await page.goto(`${base}/login`);
  await page.fill('#login', user);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL((u) => u.pathname !== '/login'), page.click('main button[type=submit]')]);
}

// Logs out with the header's button (behind the menu button on a phone); resolves on the login page.
export async function logout(page) {
  const menu = page.locator('header details.menu:not([open]) > summary');
  if (await menu.isVisible()) await menu.click();
  await Promise.all([page.waitForURL(/\/login\?ud=1$/), page.click('header form[action="/logout"] button')]);
}

let axeSource;

// Runs axe-core on the page (WCAG 2.0 and 2.1, levels A and AA) and fails with a readable
// list of violations. The page's CSP forbids injected <script> tags, so the library is
// evaluated as a string through the DevTools protocol, which CSP does not govern.
export async function expectNoAxeViolations(page, label = '') {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
    }));
  });
  if (result.length === 0) return;
  const where = label || new URL(page.url()).pathname;
  const lines = [`${result.length} axe violation(s) on ${where}:`];
  for (const v of result) {
    lines.push(`- ${v.id} (${v.impact}): ${v.help}`);
    for (const n of v.nodes.slice(0, 5)) {
      lines.push(`    at ${n.target}`);
      for (const s of (n.summary || '').split('\n')) lines.push(`      ${s}`);
    }
    if (v.nodes.length > 5) lines.push(`    ... and ${v.nodes.length - 5} more`);
  }
  assert.fail(lines.join('\n'));
}

// A full-page screenshot to SHOTS/name.png, for people to look at (not compared).
export async function screenshot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

// How far the document is wider than the viewport (0 means no horizontal scrolling).
export function horizontalOverflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}
