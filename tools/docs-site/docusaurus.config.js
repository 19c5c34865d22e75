// The Docusaurus site that renders the reference pages of every generated crate.
//
// `cargo xtask docs` copies the pages into a staging folder under target/ and writes, beside
// them, `site.json`: the versions (one sidebar each) for the navbar. This file only reads that
// folder, named by DOCS_SITE_STAGING (by default the one `cargo xtask docs` writes, so that
// `npx docusaurus serve --dir ../../target/docs-site` serves its site); the pages keep their own
// `id`, `slug` and `sidebar_class_name`, as on SailPoint's developer site.

const fs = require('node:fs');
const path = require('node:path');

const staging =
  process.env.DOCS_SITE_STAGING ?? path.join(__dirname, '..', '..', 'target', 'docs-staging');
if (!fs.existsSync(path.join(staging, 'site.json'))) {
  throw new Error(`${staging} holds no staged pages: build the site with \`cargo xtask docs\``);
}
const site = JSON.parse(fs.readFileSync(path.join(staging, 'site.json'), 'utf8'));

/** @type {import('@docusaurus/types').Config} */
module.exports = {
  title: 'SailPoint ISC Rust SDK',
  tagline: 'Reference pages of the generated Rust SDKs',
  url: 'http://localhost',
  baseUrl: '/',
  // Pages are written as `accounts.html`, so a page's relative links (`../models/account`)
  // resolve the same way in the browser as in the broken-link check.
  trailingSlash: false,
  onBrokenLinks: 'throw',
  onBrokenAnchors: 'throw',
  onDuplicateRoutes: 'throw',
  markdown: {
    format: 'mdx',
    hooks: { onBrokenMarkdownLinks: 'throw' },
  },
  // Docusaurus Faster (Rspack, SWC) builds the thousands of model pages several times faster.
  // Only the v4 flag it requires is on: the pages keep Docusaurus 3's Markdown (MDX 1
  // compatible admonition titles, `:::caution deprecated`), as on the developer site.
  future: {
    faster: true,
    v4: { removeLegacyPostBuildHeadAttribute: true },
  },
  i18n: { defaultLocale: 'en', locales: ['en'] },
  presets: [
    [
      'classic',
      {
        docs: {
          path: path.join(staging, 'docs'),
          routeBasePath: '/',
          sidebarPath: path.join(staging, 'sidebars.json'),
          showLastUpdateTime: false,
        },
        blog: false,
        pages: false,
        sitemap: false,
        theme: {},
      },
    ],
  ],
  themeConfig: {
    navbar: {
      title: 'Rust SDK',
      items: site.versions.map((v) => ({
        type: 'docSidebar',
        sidebarId: v.sidebar,
        label: v.label,
        position: 'left',
      })),
    },
    prism: {
      additionalLanguages: ['rust', 'toml', 'bash', 'json'],
    },
    colorMode: { respectPrefersColorScheme: false },
  },
};
