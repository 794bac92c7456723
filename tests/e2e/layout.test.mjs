// Layout: at phone width (375 px) no page scrolls sideways; the error page passes axe; the
// printed page carries the content only, black on white; reduced motion is respected.
// Screenshots of the main pages at desktop and phone widths go to /tmp/e2e-shots/ (or
// $TILSYN_SHOTS) for people to look at; they are not compared.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer } from '../lib/server.mjs';
import {
  launch, newPage, login, expectNoAxeViolations, screenshot, horizontalOverflow, DESKTOP, PHONE,
} from '../lib/browser.mjs';

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

// The id of a demo user, found through the users list.
async function userId(page, name) {
  await page.goto(`${server.url}/admin/users`);
  const href = await page.getAttribute(`main table a:text-is("${name}")`, 'href');
  return href.split('/').pop();
}

for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  test(`pages at ${size} width (${viewport.width} px): no sideways scrolling; screenshots`, { timeout: 40_000 }, async () => {
    const base = server.url;
    const page = await newPage(browser, { viewport });
    const check = async (name, on = page) => {
      const overflow = await horizontalOverflow(on);
      assert.ok(overflow <= 0, `${name} at ${viewport.width} px scrolls sideways by ${overflow} px`);
      await screenshot(on, `${name}-${size}`);
    };

    await page.goto(`${base}/login`);
    await check('login');

    await login(page, base, 'admin');
    await check('front-admin');
    await page.goto(`${base}/admin/users`);
    await check('users');
    await page.goto(`${base}/admin/users/${await userId(page, 'Mette Juhl')}`);
    await check('user-edit');
    await page.goto(`${base}/admin/departments`);
    await check('departments');
    await page.goto(`${base}/admin/departments/BHS`);
    await check('department-edit');
    await page.goto(`${base}/admin/users/new`);
    await check('user-new');
    await page.context().close();

    // A leader's front page and her department's page.
    const leader = await newPage(browser, { viewport });
    await login(leader, base, 'leder.barn');
    await check('front-leader', leader);
    await leader.goto(`${base}/d/BHS`);
    await check('department-home-leader', leader);
    await leader.goto(`${base}/account/password`);
    await check('password', leader);
    await leader.context().close();
  });
}

test('the 403 page is accessible and fits a phone', { timeout: 40_000 }, async () => {
  for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    const page = await newPage(browser, { viewport });
    await login(page, server.url, 'anne');
    const res = await page.goto(`${server.url}/admin/users`);
    assert.equal(res.status(), 403);
    assert.ok(await page.locator('main h1').count(), 'the error page has a heading');
    assert.ok(await page.locator('main a[href="/"]').count(), 'the error page leads back to the front page');
    assert.ok((await horizontalOverflow(page)) <= 0, `403 page at ${viewport.width} px scrolls sideways`);
    await expectNoAxeViolations(page, `403 (${size})`);
    await screenshot(page, `403-${size}`);

    await page.goto(`${server.url}/d/BHS`);
    assert.ok((await horizontalOverflow(page)) <= 0, `department page at ${viewport.width} px scrolls sideways`);
    await expectNoAxeViolations(page, `department page (${size})`);
    await screenshot(page, `department-home-${size}`);
    await page.context().close();
  }
});

test('printing shows the content only, black on white', { timeout: 40_000 }, async () => {
  const page = await newPage(browser);
  await login(page, server.url, 'admin');
  await page.goto(`${server.url}/admin/users`);
  await page.emulateMedia({ media: 'print' });
  const look = await page.evaluate(() => {
    const shown = (sel) => {
      const e = document.querySelector(sel);
      return !!e && getComputedStyle(e).display !== 'none';
    };
    const link = getComputedStyle(document.querySelector('main table a'));
    return {
      header: shown('header.top'),
      footer: shown('footer.foot'),
      skip: shown('a.skip'),
      main: shown('main'),
      color: getComputedStyle(document.body).color,
      background: getComputedStyle(document.body).backgroundColor,
      link: link.color,
      underline: link.textDecorationLine,
    };
  });
  assert.deepEqual(
    { header: look.header, footer: look.footer, skip: look.skip, main: look.main },
    { header: false, footer: false, skip: false, main: true },
  );
  assert.equal(look.color, 'rgb(0, 0, 0)');
  assert.match(look.background, /^(rgb\(255, 255, 255\)|rgba\(0, 0, 0, 0\))$/);
  assert.equal(look.link, 'rgb(0, 0, 0)');
  assert.equal(look.underline, 'underline');
  await page.context().close();
});

test('reduced motion turns transitions off', { timeout: 40_000 }, async () => {
  const page = await newPage(browser, { reducedMotion: 'reduce' });
  await page.goto(`${server.url}/login`);
  const duration = await page.evaluate(
    () => getComputedStyle(document.querySelector('main button')).transitionDuration,
  );
  assert.equal(duration, '0s');
  await page.context().close();
});
