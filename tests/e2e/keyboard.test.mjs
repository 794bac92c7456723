// Keyboard only: the login page can be used without a mouse (skip link first, then the
// fields, Enter submits), and every element that takes focus shows a visible focus ring.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, DEMO_PASSWORD } from '../lib/server.mjs';
import { launch, newPage } from '../lib/browser.mjs';

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

// What the focused element is and how its focus is drawn.
function focused(page) {
  return page.evaluate(() => {
    const e = document.activeElement;
    const s = getComputedStyle(e);
    const box = e.getBoundingClientRect();
    const li = e.closest('ul.cards li');
    const ring = li ? getComputedStyle(li) : s; // a card draws the ring around the whole card
    return {
      tag: e.tagName.toLowerCase(),
      id: e.id,
      cls: e.className,
      text: (e.textContent || '').trim(),
      outlineStyle: ring.outlineStyle,
      outlineWidth: parseFloat(ring.outlineWidth),
      visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0 &&
        box.top < innerHeight && box.left < innerWidth,
      height: box.height,
    };
  });
}

function assertRing(f, what) {
  assert.notEqual(f.outlineStyle, 'none', `${what}: focus outline is visible`);
  assert.ok(f.outlineWidth >= 2, `${what}: focus outline is at least 2px (was ${f.outlineWidth})`);
  assert.ok(f.visible, `${what}: focused element is on screen`);
}

test('login page works with the keyboard alone, with visible focus', { timeout: 40_000 }, async () => {
  const page = await newPage(browser);
  await page.goto(`${server.url}/login`);

  // The first Tab reaches the skip link, which then appears on screen.
  await page.keyboard.press('Tab');
  let f = await focused(page);
  assert.equal(f.cls, 'skip', 'the skip link is the first stop');
  assert.equal(f.text, 'Gå til indholdet');
  assertRing(f, 'skip link');
  assert.ok(f.height >= 24, 'the skip link is a usable target');

  // Following it puts the next Tab inside main: the user name field.
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  f = await focused(page);
  assert.equal(f.id, 'login', 'after the skip link, Tab reaches the user name');
  assertRing(f, 'user name field');
  await page.keyboard.type('admin');

  await page.keyboard.press('Tab');
  f = await focused(page);
  assert.equal(f.id, 'password');
  assertRing(f, 'password field');
  await page.keyboard.type(DEMO_PASSWORD);

  await page.keyboard.press('Tab');
  f = await focused(page);
  assert.equal(f.tag, 'button');
  assert.equal(f.text, 'Log ind');
  assertRing(f, 'log-in button');

  // Enter in a field submits the form.
  await page.keyboard.press('Shift+Tab');
  await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.keyboard.press('Enter')]);
  assert.match(await page.textContent('h1'), /Goddag/);
  await page.context().close();
});

test('without the skip link, Tab goes from the header to the fields in order', { timeout: 40_000 }, async () => {
  const page = await newPage(browser);
  await page.goto(`${server.url}/login`);
  const order = [];
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    assertRing(f, `stop ${i + 1} (${f.tag}#${f.id}.${f.cls})`);
    order.push(f.id || f.cls || f.text);
  }
  assert.deepEqual(order, ['skip', 'brand', 'login', 'password', 'Log ind']);
  await page.context().close();
});

test('every stop on the front page and the users list shows its focus', { timeout: 40_000 }, async () => {
  const page = await newPage(browser);
  await page.goto(`${server.url}/login`);
  await page.fill('#login', 'admin');
  await page.fill('#password', DEMO_PASSWORD);
  await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.press('#password', 'Enter')]);
  for (const path of ['/', '/admin/users']) {
    await page.goto(server.url + path);
    const seen = new Set();
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      const f = await focused(page);
      if (f.tag === 'body') break;
      const key = `${f.tag}|${f.id}|${f.cls}|${f.text}`;
      if (seen.has(key) && f.cls === 'skip') break; // wrapped around
      seen.add(key);
      assertRing(f, `${path}: ${f.tag} "${f.text}"`);
    }
    assert.ok(seen.size >= 5, `${path}: several focus stops (${seen.size})`);
  }
  await page.context().close();
});
