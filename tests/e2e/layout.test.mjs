// Layout: at phone width (390 x 844) no page a role can reach scrolls sideways (except inside a
// labelled table region) and the header is short, with a menu button that works without
// JavaScript; the error page passes axe; the
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

// Every page a role can reach by following links, one of each kind: the path with numbers
// replaced (so one round, one case, one user stand for all). Files (exports, reports, the
// calendar) and the API are left out: they are not pages.
function pageKind(href) {
  const u = new URL(href);
  return u.pathname.replace(/\/\d+(?=\/|$)/g, '/N') + (u.search ? '?' + [...u.searchParams.keys()].sort().join('&') : '');
}
const NOT_PAGES = /\.(xlsx|pdf|csv|ics|json|html|svg|png)(\?|$)|\/download|\/export|\/sheet|\/api\/|\/static\/|\/logout/;

// Two of each kind are visited (say, a round under way and a finished one).
async function eachPage(page, base, visit, { perKind = 2, limit = 200 } = {}) {
  const kinds = new Map(), done = new Set(), queue = [`${base}/`];
  let n = 0;
  while (queue.length && n < limit) {
    const url = queue.shift();
    const kind = pageKind(url);
    if (done.has(url) || (kinds.get(kind) ?? 0) >= perKind) continue;
    done.add(url);
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    const res = await page.goto(url).catch(() => null);
    if (!res || !/text\/html/.test(res.headers()['content-type'] || '')) continue;
    n++;
    await visit(url, res);
    const links = await page.$$eval('a[href]', (all) => all.map((a) => a.href));
    for (const l of links) {
      const u = new URL(l);
      u.hash = '';
      if (u.origin !== base || NOT_PAGES.test(u.pathname + u.search) || done.has(u.href)) continue;
      if ((kinds.get(pageKind(u.href)) ?? 0) < perKind) queue.push(u.href);
    }
  }
  return { pages: n, kinds: kinds.size };
}

for (const user of ['admin', 'leder.barn', 'koordinator.barn', 'anne', 'ekstern', 'leder.voksen']) {
  test(`every page ${user} reaches fits a 390 x 844 phone: no sideways scrolling, a short header, labelled scroll boxes`,
    { timeout: 240_000 }, async (t) => {
    const base = server.url;
    const page = await newPage(browser, { viewport: PHONE });
    await login(page, base, user);
    const problems = [];
    const { pages, kinds } = await eachPage(page, base, async (url) => {
      const where = new URL(url).pathname + new URL(url).search;
      const look = await page.evaluate(() => ({
        overflow: document.scrollingElement.scrollWidth - innerWidth,
        header: document.querySelector('header.top').getBoundingClientRect().height,
        // Boxes that scroll sideways must be marked: focusable, a region, with a name.
        boxes: [...document.querySelectorAll('main *')].filter((e) => {
          const s = getComputedStyle(e);
          return /auto|scroll/.test(s.overflowX) && e.scrollWidth > e.clientWidth + 1;
        }).map((e) => ({
          what: e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''),
          ok: e.getAttribute('tabindex') === '0' && e.getAttribute('role') === 'region' && !!e.getAttribute('aria-label'),
          table: !!e.querySelector('table'),
        })),
      }));
      if (look.overflow > 0) problems.push(`${where} scrolls sideways by ${look.overflow} px`);
      if (look.header > 0.15 * PHONE.height) problems.push(`${where}: the header is ${look.header} px high`);
      for (const b of look.boxes) {
        if (!b.ok || !b.table) problems.push(`${where}: ${b.what} scrolls sideways but is not a labelled table region`);
      }
    });
    t.diagnostic(`${user}: ${pages} pages of ${kinds} kinds checked`);
    assert.ok(kinds >= 5, `${user} reached ${kinds} kinds of page`);
    assert.deepEqual(problems, []);
    await page.context().close();
  });
}

test('the menu button opens the navigation on a phone, also without JavaScript; on a wide screen it is always open',
  { timeout: 40_000 }, async () => {
  for (const javaScriptEnabled of [true, false]) {
    const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled, locale: 'da-DK' });
    const page = await context.newPage();
    await login(page, server.url, 'leder.barn');
    await page.goto(`${server.url}/d/BHS`);
    assert.equal(await page.isVisible('header nav a[href="/catalogues"]'), false, 'the menu starts closed');
    const button = page.locator('header details.menu > summary');
    assert.equal(await button.textContent(), 'Menu');
    const box = await button.boundingBox();
    assert.ok(box.height >= 44 && box.width >= 44, 'the menu button is a 44 px target');
    await button.click();
    assert.ok(await page.isVisible('header nav a[href="/catalogues"]'), 'the menu opens');
    assert.ok(await page.isVisible('header form[action="/logout"] button'));
    if (javaScriptEnabled) {
      await expectNoAxeViolations(page, 'the open menu (phone)');
      await screenshot(page, 'menu-open-phone');
    }
    await Promise.all([page.waitForURL(/\/catalogues$/), page.click('header nav a[href="/catalogues"]')]);
    await context.close();
  }
  const page = await newPage(browser, { viewport: DESKTOP });
  await login(page, server.url, 'leder.barn');
  assert.equal(await page.isVisible('header details.menu > summary'), false, 'no menu button on a wide screen');
  assert.ok(await page.isVisible('header nav a[href="/catalogues"]'));
  assert.ok(await page.isVisible('header form[action="/logout"] button'));
  const header = await page.evaluate(() => document.querySelector('header.top').getBoundingClientRect().height);
  assert.ok(header <= 80, `the header is one row on a wide screen (${header} px)`);
  await page.context().close();
});
