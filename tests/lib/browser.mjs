// Debian's Chromium driven by playwright-core (it cannot download a browser
// of its own here). Flags: no sandbox as root, and no background networking,
// which this machine's closed network would refuse. playwright-core gives
// each launch a fresh, empty profile directory of its own.
import { chromium } from 'playwright-core';

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
