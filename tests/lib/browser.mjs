// Debian's Chromium driven by playwright-core (it cannot download a browser
// of its own here). Flags: no sandbox as root, and no background networking,
// which this machine's closed network would refuse.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export async function launch() {
  const dir = mkdtempSync(path.join(tmpdir(), 'gk-chromium-'));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      `--user-data-dir=${dir}`],
  });
  const close = browser.close.bind(browser);
  browser.close = async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  };
  return browser;
}
