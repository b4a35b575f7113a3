// Bundles the page (esbuild, offline) into --out, opens --url in headless Chromium (the system
// browser, driven by playwright-core: one launch for all cases), waits for the page's results,
// saves a full-page screenshot and prints the results as JSON on stdout.
// Usage: node run.mjs --out DIR --url http://127.0.0.1:PORT/ --screenshot FILE [--chromium PATH] [--timeout-ms N]
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
for (const required of ['out', 'url', 'screenshot']) {
  if (!args[required]) { console.error(`missing --${required}`); process.exit(2); }
}
const timeout = Number(args['timeout-ms'] ?? 60000);

mkdirSync(args.out, { recursive: true });
await build({
  entryPoints: [join(here, 'src/page.js')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'chrome120',
  outfile: join(args.out, 'page.js'),
  logLevel: 'error',
  define: { 'process.env.NODE_ENV': '"production"' },
});
copyFileSync(join(here, 'src/index.html'), join(args.out, 'index.html'));

const browser = await chromium.launch({
  executablePath: args.chromium ?? '/usr/bin/chromium',
  headless: true,
  // No network beyond loopback here: keep Chromium from trying.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
let exitCode = 0;
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const console_ = [];
  page.on('console', (m) => { if (m.type() === 'error') console_.push(m.text()); });
  page.on('pageerror', (e) => console_.push(String(e)));
  await page.goto(args.url, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__viewer && window.__viewer.done, null, { timeout });
  const results = await page.evaluate(() => window.__viewer);
  results.consoleErrors = console_;
  await page.screenshot({ path: args.screenshot, fullPage: true });
  process.stdout.write(JSON.stringify(results));
} catch (e) {
  console.error(String(e && e.stack ? e.stack : e));
  exitCode = 1;
} finally {
  await browser.close();
}
process.exit(exitCode);
