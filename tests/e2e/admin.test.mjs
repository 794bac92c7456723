// The administrator's first day, in a real browser: log in, create a department and a user
// with a role in it, hand over the temporary password; the new user logs in, is made to
// choose a password, and finds the department on the front page. Every page visited must
// pass axe-core (WCAG 2.1 A and AA) with no violations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer } from '../lib/server.mjs';
import { launch, newPage, login, logout, expectNoAxeViolations, screenshot } from '../lib/browser.mjs';

let server, browser;

// One after the other, so that `after` can close whichever of the two did start.
before(async () => {
  browser = await launch();
  server = await startServer();
}, { timeout: 30_000 });

after(async () => {
  await browser?.close();
  await server?.stop();
}, { timeout: 15_000 });

// Submits the form that holds `selector` and waits for the next page.
async function submit(page, selector, url) {
  await Promise.all([page.waitForURL(url), page.click(selector)]);
}

test('administrator creates a department and a user, who then logs in and changes password', { timeout: 40_000 }, async () => {
  const page = await newPage(browser);
  const base = server.url;
  const path = () => new URL(page.url()).pathname;

  // Log in as admin through the real form.
  await page.goto(`${base}/login`);
  await expectNoAxeViolations(page, 'login');
  await login(page, base, 'admin');
  assert.equal(path(), '/');
  assert.match(await page.textContent('h1'), /Goddag, Systemadministrator/);
  await expectNoAxeViolations(page, 'front page (admin)');

  // Departments: the list, then create one.
  await submit(page, 'nav a[href="/admin/departments"]', /\/admin\/departments$/);
  await expectNoAxeViolations(page, 'departments list');
  await page.fill('#code', 'E2E');
  await page.fill('#name', 'Testafdeling for voksne');
  await page.selectOption('#area', 'voksen');
  await submit(page, 'main form button[type=submit]', /\/admin\/departments\?ok=1$/);
  assert.match(await page.textContent('.msg.ok'), /Afdelingen er gemt/);
  assert.equal(await page.locator('main table a', { hasText: 'E2E' }).count(), 1);
  await expectNoAxeViolations(page, 'departments list after creating one');

  // The department's edit page.
  await submit(page, 'main table a:text-is("E2E")', /\/admin\/departments\/E2E$/);
  assert.equal(await page.inputValue('#name'), 'Testafdeling for voksne');
  assert.equal(await page.inputValue('#area'), 'voksen');
  await expectNoAxeViolations(page, 'department edit');

  // Users: the list, the new-user form, and the page with the temporary password.
  await submit(page, 'nav a[href="/admin/users"]', /\/admin\/users$/);
  await expectNoAxeViolations(page, 'users list');
  await submit(page, 'main a.button[href="/admin/users/new"]', /\/admin\/users\/new$/);
  await expectNoAxeViolations(page, 'new user');
  await page.fill('#login', 'tove.e2e');
  await page.fill('#name', 'Tove Testesen');
  await page.selectOption('#department', 'E2E');
  await page.selectOption('#role', 'raadgiver');
  await submit(page, 'main form button[type=submit]', /\/admin\/users$/);
  assert.match(await page.textContent('h1'), /Brugeren er oprettet/);
  const temporary = (await page.textContent('.secret code')).trim();
  assert.match(temporary, /^\S{10,}$/, 'a temporary password is shown');
  await expectNoAxeViolations(page, 'user created');
  await screenshot(page, 'user-created-desktop');

  // The new user's edit page shows the role in the new department.
  await submit(page, 'main a:text-is("Videre til brugeren")', /\/admin\/users\/\d+$/);
  assert.equal(await page.inputValue('#name'), 'Tove Testesen');
  const roleSelect = page.locator('main table tr', { hasText: 'Testafdeling for voksne' }).locator('select');
  assert.equal(await roleSelect.inputValue(), 'raadgiver');
  await expectNoAxeViolations(page, 'user edit');
  await logout(page);
  assert.match(await page.textContent('.msg.ok'), /Du er logget ud/);

  // The new user logs in with the temporary password and must choose a new one first.
  await login(page, base, 'tove.e2e', temporary);
  assert.equal(path(), '/account/password');
  assert.match(await page.textContent('.msg'), /midlertidig adgangskode/);
  await expectNoAxeViolations(page, 'change password (forced)');
  await screenshot(page, 'password-forced-desktop');
  await page.goto(`${base}/`);
  assert.equal(path(), '/account/password', 'other pages wait until the password is changed');

  await page.fill('#current', temporary);
  await page.fill('#new', 'en lang og god sætning 2026');
  await page.fill('#repeat', 'en lang og god sætning 2026');
  await submit(page, 'main form button[type=submit]', /\/account\/password\?ok=1$/);
  assert.match(await page.textContent('.msg.ok'), /Din adgangskode er skiftet/);
  await expectNoAxeViolations(page, 'change password (done)');

  // The front page now shows the user's department.
  await submit(page, 'nav a[href="/"]', (u) => u.pathname === '/');
  assert.match(await page.textContent('h1'), /Goddag, Tove Testesen/);
  const card = page.locator('ul.cards li', { hasText: 'Testafdeling for voksne' });
  assert.equal(await card.count(), 1);
  assert.match(await card.textContent(), /Rådgiver/i);
  assert.equal(await page.locator('nav a[href="/admin/users"]').count(), 0, 'no administration for a caseworker');
  await expectNoAxeViolations(page, 'front page (new user)');
  await logout(page);

  // And the new password is the one that works now.
  await login(page, base, 'tove.e2e', 'en lang og god sætning 2026');
  assert.equal(path(), '/');
  await page.context().close();
});
