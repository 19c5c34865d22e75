// Checks rendered reference pages in headless Chromium (Debian's, driven by playwright-core).
//
//   node check-pages.mjs SITE_DIR PAGES_JSON SCREENSHOT_DIR
//
// SITE_DIR is a built Docusaurus site (`trailingSlash: false`), served here on 127.0.0.1.
// PAGES_JSON lists the pages to open and what their Markdown says they hold (written by
// `cargo xtask docs --browser-test`): the URL, the number of tables, code blocks and Rust code
// blocks, whether the page has "Back to top" links, and, for a methods page, its operations
// (anchor, deprecated) in order and whether to click every row of its methods table. Every
// failed check prints one line `FAIL <page> [<check>] ...`; the exit status is 1 if any check
// failed. Pages marked `screenshot` are saved as PNGs.

import { chromium } from 'playwright-core';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [siteDir, pagesFile, shotDir] = process.argv.slice(2);
if (!siteDir || !pagesFile || !shotDir) {
  console.error('usage: node check-pages.mjs SITE_DIR PAGES_JSON SCREENSHOT_DIR');
  process.exit(2);
}
const pages = JSON.parse(fs.readFileSync(pagesFile, 'utf8'));
fs.mkdirSync(shotDir, { recursive: true });

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

// A static server that answers `/a/b` with `a/b.html` (or `a/b/index.html`), as Docusaurus'
// own `serve` does for a site built with `trailingSlash: false`.
function serve(root) {
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const base = path.join(root, path.normalize(url).replace(/^(\.\.[/\\])+/, ''));
    const candidates = [base, `${base}.html`, path.join(base, 'index.html')];
    const file = candidates.find((f) => f.startsWith(root) && fs.existsSync(f) && fs.statSync(f).isFile());
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const failures = [];
function fail(page, check, message) {
  failures.push(`FAIL ${page.name} [${check}] ${message}`);
  console.log(`FAIL ${page.name} [${check}] ${message}`);
}

async function checkPage(browserPage, base, page) {
  const errors = [];
  browserPage.removeAllListeners('pageerror');
  browserPage.on('pageerror', (e) => errors.push(String(e)));
  const response = await browserPage.goto(base + page.url, { waitUntil: 'load' });
  if (!response || response.status() !== 200) {
    fail(page, 'load', `${page.url} answered ${response?.status()}`);
    return;
  }
  // Docusaurus marks the document once React has hydrated it; links only scroll after that.
  await browserPage.waitForSelector('html[data-has-hydrated="true"]', { timeout: 30000 });
  if (page.screenshot) {
    await browserPage.screenshot({ path: path.join(shotDir, `${page.name}.png`) });
  }

  const facts = await browserPage.evaluate(() => {
    const article = document.querySelector('article .markdown') ?? document.querySelector('article');
    // Text outside code that a reader sees: a stray `|` row or `\<` means Markdown leaked.
    const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
    const leaks = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('pre, code')) continue;
      const text = node.textContent;
      if (/\\[<>|*_`[\]]/.test(text) || /(^|\s)\|(\s|$)/.test(text) || /-{3,}\s*\|/.test(text)) {
        leaks.push(text.trim().slice(0, 80));
      }
    }
    const blocks = [...article.querySelectorAll('div.theme-code-block, div[class*="codeBlockContainer"]')]
      .filter((b, i, all) => !all.some((o) => o !== b && o.contains(b)));
    return {
      title: document.title,
      tables: article.querySelectorAll('table').length,
      leaks,
      codeBlocks: blocks.map((b) => ({
        classes: b.className + ' ' + (b.querySelector('pre')?.className ?? ''),
        tokens: b.querySelectorAll('span.token').length,
        keywords: b.querySelectorAll('span.token.keyword').length,
      })),
    };
  });

  if (facts.tables !== page.tables) {
    fail(page, 'table', `${facts.tables} rendered tables, the Markdown has ${page.tables}`);
  }
  for (const leak of facts.leaks) {
    fail(page, 'table', `Markdown visible as text: "${leak}"`);
  }
  if (facts.codeBlocks.length !== page.codeBlocks) {
    fail(page, 'code', `${facts.codeBlocks.length} code blocks, the Markdown has ${page.codeBlocks}`);
  }
  const rust = facts.codeBlocks.filter((b) => /\blanguage-rust\b/.test(b.classes));
  if (rust.length !== page.rustBlocks) {
    fail(page, 'code', `${rust.length} code blocks with class language-rust, the Markdown has ${page.rustBlocks}`);
  }
  rust.forEach((b, i) => {
    if (b.tokens === 0 || b.keywords === 0) {
      fail(page, 'code', `Rust block ${i + 1} is not highlighted (${b.tokens} token spans, ${b.keywords} keywords)`);
    }
  });

  if (page.operations.length > 0) {
    await checkOperations(browserPage, page);
  }
  if (page.backToTop) {
    await checkBackToTop(browserPage, page);
  }
  for (const e of errors) {
    fail(page, 'script', `page error: ${e}`);
  }
}

async function checkOperations(browserPage, page) {
  // The methods table (the first whose header starts with "Method"; a tag's description may
  // hold tables before it): one row per operation, each linking to its section.
  const tableIndex = await browserPage.evaluate(() =>
    [...document.querySelectorAll('article table')].findIndex((t) =>
      /^Method\b/.test(t.querySelector('thead th')?.textContent.trim() ?? '')));
  const rows = tableIndex < 0 ? [] : await browserPage.evaluate((i) => {
    const table = document.querySelectorAll('article table')[i];
    return [...table.querySelectorAll('tbody tr')].map((tr) => tr.querySelector('td a')?.getAttribute('href') ?? null);
  }, tableIndex);
  const expected = page.operations.map((op) => `#${op.anchor}`);
  if (rows.length !== expected.length) {
    fail(page, 'table', `the methods table has ${rows.length} rows, the page has ${expected.length} operations`);
  }
  if (JSON.stringify(rows) !== JSON.stringify(expected)) {
    fail(page, 'links', `the methods table links ${JSON.stringify(rows)}, expected ${JSON.stringify(expected)}`);
  }

  if (page.screenshot) {
    await browserPage.evaluate((i) => {
      document.querySelectorAll('article table')[Math.max(i, 0)]?.scrollIntoView();
      window.scrollBy(0, -80); // below the sticky navbar
    }, tableIndex);
    await browserPage.screenshot({ path: path.join(shotDir, `${page.name}-table.png`) });
  }

  // Each row's link scrolls its section to the top of the window (on pages marked `clickRows`;
  // on the others the links were compared with the sections' ids above and below).
  const rowCount = page.clickRows ? Math.min(rows.length, expected.length) : 0;
  for (let i = 0; i < rowCount; i++) {
    const anchor = page.operations[i].anchor;
    const link = browserPage.locator('article table').nth(tableIndex).locator('tbody tr').nth(i).locator('td a').first();
    await browserPage.evaluate(() => window.scrollTo(0, 0));
    await link.click({ timeout: 5000 });
    const landed = await browserPage
      .waitForFunction(
        (id) => {
          const h = document.getElementById(id);
          if (!h) return false;
          const top = h.getBoundingClientRect().top;
          // At the top of the window, or as high as it goes when the page ends below it.
          const bottom = window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2;
          return location.hash === `#${id}` && top >= -2 && (top < 200 || (bottom && top < window.innerHeight - 40));
        },
        anchor,
        { timeout: 5000 },
      )
      .then(() => true, () => false);
    if (!landed) {
      const where = await browserPage.evaluate((id) => ({
        hash: location.hash,
        top: document.getElementById(id)?.getBoundingClientRect().top ?? null,
      }), anchor);
      fail(page, 'links', `the row of ${anchor} did not scroll to its section (hash ${where.hash}, heading at ${where.top})`);
    }
  }

  // Each section shows the deprecation admonition exactly where the operation is deprecated.
  const sections = await browserPage.evaluate(() => {
    const article = document.querySelector('article .markdown') ?? document.querySelector('article');
    const out = {};
    let current = null;
    for (const el of article.children) {
      if (el.tagName === 'H2') {
        current = el.id;
        out[current] = { admonitions: [] };
      } else if (current && el.matches('.theme-admonition, [class*="admonition"]')) {
        out[current].admonitions.push({
          caution: /admonition-caution|alert--warning/.test(el.className),
          text: el.innerText.slice(0, 200),
          visible: el.getBoundingClientRect().height > 0,
        });
      }
    }
    return out;
  });
  for (const op of page.operations) {
    const section = sections[op.anchor];
    if (!section) {
      fail(page, 'sections', `no section h2#${op.anchor}`);
      continue;
    }
    const deprecation = section.admonitions.filter((a) => a.caution && /deprecated/i.test(a.text) && a.visible);
    if (op.deprecated && deprecation.length !== 1) {
      fail(page, 'deprecated', `${op.anchor} is deprecated but shows ${deprecation.length} deprecation admonitions`);
    }
    if (!op.deprecated && deprecation.length !== 0) {
      fail(page, 'deprecated', `${op.anchor} is not deprecated but shows a deprecation admonition`);
    }
  }
  if (page.screenshot) {
    const shot = page.operations.find((op) => op.deprecated) ?? page.operations[0];
    await browserPage.evaluate((id) => document.getElementById(id).scrollIntoView(), shot.anchor);
    await browserPage.screenshot({ path: path.join(shotDir, `${page.name}-${shot.anchor}.png`) });
  }
}

async function checkBackToTop(browserPage, page) {
  const links = browserPage.locator('article a', { hasText: 'Back to top' });
  const count = await links.count();
  if (count === 0) {
    fail(page, 'back-to-top', 'no "Back to top" link rendered');
    return;
  }
  const last = links.nth(count - 1);
  await last.scrollIntoViewIfNeeded();
  const before = await browserPage.evaluate(() => window.scrollY);
  await last.click();
  const top = await browserPage
    .waitForFunction(() => window.scrollY < 5, null, { timeout: 5000 })
    .then(() => true, () => false);
  if (!top) {
    const after = await browserPage.evaluate(() => window.scrollY);
    fail(page, 'back-to-top', `"Back to top" left the page at ${after}px (was ${before}px)`);
  }
}

const server = await serve(path.resolve(siteDir));
const base = `http://127.0.0.1:${server.address().port}`;
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-check-chromium-'));
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const browserPage = context.pages()[0] ?? (await context.newPage());
  for (const page of pages) {
    const before = failures.length;
    const started = Date.now();
    try {
      await checkPage(browserPage, base, page);
    } catch (e) {
      fail(page, 'error', String(e).split('\n')[0]);
    }
    if (failures.length === before) {
      console.log(`ok   ${page.name} (${page.operations.length} operations, ${page.tables} tables, ${page.rustBlocks} Rust blocks; ${Date.now() - started} ms)`);
    }
  }
} finally {
  await context?.close();
  server.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(failures.length === 0 ? 0 : 1);
