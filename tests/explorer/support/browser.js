// Debian's Chromium, headless, driven by playwright-core (which never downloads a browser of its own here:
// it is pointed at the system binary). When Chromium is missing the explorer tests are skipped loudly.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// Flags that keep Chromium from reaching for the network it does not have here (it stalls otherwise).
// playwright-core adds --headless and a fresh temporary --user-data-dir on every launch.
const FLAGS = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
];

// Why the browser tests cannot run, or null when they can.
function unavailable() {
    if (!fs.existsSync(CHROMIUM)) return `chromium not installable: ${CHROMIUM} does not exist (scripts/prereqs.sh installs it with apt)`;
    try {
        require.resolve('playwright-core');
    } catch (e) {
        return 'playwright-core is not installed: cd tests/explorer && npm ci';
    }
    return null;
}

async function launch() {
    const { chromium } = require('playwright-core');
    return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 30000 });
}

// Where screenshots go: $EXPLORER_SCREENSHOTS, or tests/explorer/screenshots (gitignored).
function screenshotDir() {
    const dir = process.env.EXPLORER_SCREENSHOTS || path.join(__dirname, '..', 'screenshots');
    fs.mkdirSync(dir, { recursive: true });
    return dir;
}

async function shot(page, name) {
    await page.screenshot({ path: path.join(screenshotDir(), name + '.png'), fullPage: true });
}

module.exports = { unavailable, launch, shot, FLAGS };
