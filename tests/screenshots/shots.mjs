// Screenshots of the main pages, citizen and staff, normal and large-text
// mode, at phone and desktop widths, into docs/screenshots/ (the README
// shows them). Run by `make screenshots` against its own demo instance.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { BASE, REPO, clientAs } from '../lib/client.mjs';
import { launch } from '../lib/browser.mjs';

const OUT = path.join(REPO, 'docs/screenshots');
const PAGES = [
  ['anonymous', 'home', '/'],
  ['anonymous', 'policies', '/policies'],
  ['anonymous', 'open-month', '/open-month'],
  ['anonymous', 'disclosure-apply', '/disclosure/apply'],
  ['citizen', 'me', '/me'],
  ['staff', 'admin', '/admin'],
  ['staff', 'admin-messages', '/admin/messages'],
  ['staff', 'admin-disclosure', '/admin/disclosure'],
  ['admin', 'admin-dashboard', '/admin/dashboard'], // charts and tables (fcgi/dashboard.c)
];
const SIZES = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 900 } };

mkdirSync(OUT, { recursive: true });
const browser = await launch();
let n = 0;
for (const [role, name, p] of PAGES) {
  const who = await clientAs(role);
  for (const [size, viewport] of Object.entries(SIZES)) {
    for (const large of [false, true]) {
      if (large && size === 'desktop') continue; // the large mode is for phones and older eyes
      const ctx = await browser.newContext({ viewport });
      const cookies = [...who.jar].map(([k, v]) => ({ name: k, value: v, url: BASE }));
      if (large) cookies.push({ name: 'gk_mode', value: 'large', url: BASE });
      await ctx.addCookies(cookies);
      const page = await ctx.newPage();
      await page.goto(BASE + p);
      await page.screenshot({ path: path.join(OUT, `${name}-${size}${large ? '-large' : ''}.png`) });
      await ctx.close();
      n++;
    }
  }
}
await browser.close();
console.log(`screenshots: ${n} files in ${path.relative(REPO, OUT)}/`);
