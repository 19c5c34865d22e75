// Compiles every Markdown page under a folder as MDX, as the docs site does, and fails naming
// the file and the position of each page that does not compile.
//
// Usage: node tools/mdx-check.mjs FOLDER
//
// The site (Docusaurus) reads `.md` pages as MDX, with front matter, GitHub-flavoured Markdown
// (tables) and directives (`:::caution` admonitions); the same plugins are used here, at the
// versions pinned in package-lock.json.

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createProcessor } from '@mdx-js/mdx';
import remarkDirective from 'remark-directive';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';

async function pages(dir) {
  const found = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      found.push(...(await pages(full)));
    } else if (entry.name.endsWith('.md') || entry.name.endsWith('.mdx')) {
      found.push(full);
    }
  }
  return found.sort();
}

async function main() {
  const folder = process.argv[2];
  if (!folder) {
    console.error('usage: node tools/mdx-check.mjs FOLDER');
    return 2;
  }
  let files;
  try {
    files = await pages(folder);
  } catch (error) {
    console.error(`error: cannot read ${folder}: ${error.message}`);
    return 2;
  }
  if (files.length === 0) {
    console.error(`error: no .md page under ${folder}`);
    return 2;
  }
  // One processor for every page: building it is most of the cost of a small page.
  const processor = createProcessor({
    remarkPlugins: [remarkFrontmatter, remarkGfm, remarkDirective],
  });
  let failed = 0;
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    try {
      // Parsing is where MDX fails on a page (an unescaped `{` or `<`, an expression that is
      // not JavaScript); what follows only turns the tree into JavaScript.
      processor.parse({ value: text, path: file });
    } catch (error) {
      failed += 1;
      const place = error.place && (error.place.start || error.place);
      const line = (place && place.line) || error.line || 0;
      const column = (place && place.column) || error.column || 0;
      const reason = error.reason || error.message;
      console.error(`${file}:${line}:${column}: ${reason}`);
      const shown = text.split('\n')[line - 1];
      if (shown !== undefined) {
        console.error(`  ${line} | ${shown}`);
      }
    }
  }
  console.log(`mdx: ${files.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
