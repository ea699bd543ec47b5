// The explorer `jsvm node` serves at /, in a real headless Chromium: a chain with a transfer, a contract that
// emits events and a failing call; every page opened and judged by what it shows.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const { execFileSync } = require('node:child_process');
const { unavailable, launch, shot } = require('./support/browser');

const why = unavailable();
if (why) {
    // Loud, and a success: the rest of `make test` still runs where Chromium cannot be had.
    console.log('\n*** SKIPPED: ' + why + ' ***\n');
    test('explorer browser tests', { skip: 'SKIPPED: ' + why }, () => {});
    return;
}

const { freshChain, newEd25519Account, sendAndWait } = require(path.join(__dirname, '..', 'sdk', 'support', 'chain.js'));

const T = { timeout: 60000 };
const WAIT = { timeout: 15000 };

const SOURCE = `
class Board {
    init() { storage.put("count", "0"); }
    post(text) {
        const n = Number(storage.get("count")) + 1;
        storage.put("count", String(n));
        storage.mapPut("posts", String(n), text);
        blockchain.event(JSON.stringify({ n, text }));
        blockchain.receipt("posted " + n);
        return n;
    }
    fail(text) {
        throw new Error("refused " + text);
    }
    count() { return Number(storage.get("count")); }
}
module.exports = Board;
`;
const ABI = {
    lang: 'javascript',
    version: '1.0.0',
    abi: [
        { name: 'post', args: ['string'] },
        { name: 'fail', args: ['string'] },
        { name: 'count', args: [] },
    ],
};

let chain;
let browser;
let page;
let phone;
const s = {}; // what the chain holds: hashes and ids the pages are asked about

before(async () => {
    chain = await freshChain();
    await newEd25519Account(chain, 'alice01');
    const transfer = await sendAndWait(chain, chain.iost.transfer('iost', 'admin', 'alice01', '12.5', 'for the explorer'));
    assert.equal(transfer.receipt.status_code, 'SUCCESS', transfer.receipt.message);
    s.transfer = transfer.hash;
    const deploy = chain.iost.callABI('system.iost', 'setCode', [JSON.stringify({ ID: '', info: ABI, code: SOURCE })]);
    const d = await sendAndWait(chain, deploy);
    assert.equal(d.receipt.status_code, 'SUCCESS', d.receipt.message);
    s.contract = JSON.parse(d.receipt.returns[0])[0];
    const post = await sendAndWait(chain, chain.iost.callABI(s.contract, 'post', ['hello from the test']));
    assert.equal(post.receipt.status_code, 'SUCCESS', post.receipt.message);
    s.post = post.hash;
    const fail = await sendAndWait(chain, chain.iost.callABI(s.contract, 'fail', ['this call']));
    assert.notEqual(fail.receipt.status_code, 'SUCCESS');
    s.fail = fail.hash;
    s.failMessage = fail.receipt.message;
    // A second token held by alice01, and a deployment the compile stage refuses at a line of its code.
    const gold = await sendAndWait(chain, chain.iost.callABI('token.iost', 'create', ['gold', 'admin', 1000000, { decimal: 2, fullName: 'Gold' }]));
    assert.equal(gold.receipt.status_code, 'SUCCESS', gold.receipt.message);
    const issued = await sendAndWait(chain, chain.iost.callABI('token.iost', 'issue', ['gold', 'alice01', '7.25']));
    assert.equal(issued.receipt.status_code, 'SUCCESS', issued.receipt.message);
    const bad = 'class Bad {\n    init() {}\n    f() {\n        with ({}) {}\n    }\n}\nmodule.exports = Bad;\n';
    const refused = await sendAndWait(chain, chain.iost.callABI('system.iost', 'setCode', [JSON.stringify({ ID: '', info: ABI, code: bad })]));
    assert.notEqual(refused.receipt.status_code, 'SUCCESS');
    s.badDeploy = refused.hash;
    s.deploy = d.hash;
    // A project of two files packed by `jsvm pack`, deployed as the bundle; a call that throws in the second file.
    const packed = packShelf();
    const shelf = await sendAndWait(chain, chain.iost.callABI('system.iost', 'setCode', [JSON.stringify({ ID: '', info: packed.abi, code: packed.code })]));
    assert.equal(shelf.receipt.status_code, 'SUCCESS', shelf.receipt.message);
    s.shelf = JSON.parse(shelf.receipt.returns[0])[0];
    const tooLong = await sendAndWait(chain, chain.iost.callABI(s.shelf, 'put', ['a title far too long']));
    assert.notEqual(tooLong.receipt.status_code, 'SUCCESS');
    s.shelfFail = tooLong.hash;

    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
}, { timeout: 120000 });

// The shelf project: src/index.js requires src/check.js, which throws on line 3. Packed with the jsvm under test;
// deployed code is the bundle without its `abi` (docs/packing.md).
function packShelf() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'explorer-shelf-'));
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'shelf', version: '1.0.0', main: 'src/index.js' }));
    fs.writeFileSync(path.join(dir, 'src', 'index.js'), [
        "const { checked } = require('./check.js');",
        '',
        'class Shelf {',
        '    init() {}',
        '    /** @param {string} title */',
        '    put(title) {',
        "        storage.put('last', checked(title));",
        '        return title;',
        '    }',
        '}',
        'module.exports = Shelf;',
        '',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'src', 'check.js'), [
        'function checked(title) {',
        '    if (title.length > 5) {',
        "        throw new Error('title too long: ' + title);",
        '    }',
        '    return title;',
        '}',
        'module.exports = { checked };',
        '',
    ].join('\n'));
    const out = path.join(dir, 'bundle.json');
    execFileSync(process.env.JSVM_BIN, ['pack', dir, '-o', out], { stdio: ['ignore', 'ignore', 'inherit'] });
    const bundle = JSON.parse(fs.readFileSync(out, 'utf8'));
    const abi = bundle.abi;
    delete bundle.abi;
    fs.rmSync(dir, { recursive: true, force: true });
    return { abi, code: JSON.stringify(bundle) };
}

after(async () => {
    if (browser) await browser.close();
    if (chain) await chain.close();
});

async function open(p, hash) {
    await p.goto(chain.node.url + '/' + hash, { timeout: 15000 });
    await p.waitForFunction(() => !document.querySelector('#view > p.muted') || document.querySelector('#view').children.length > 1, null, WAIT);
}

async function text(p, selector = '#view') {
    await p.waitForSelector(selector, WAIT);
    return p.locator(selector).first().innerText(WAIT);
}

// Waits until the page shows `needle` in `selector` (bounded), so pages that load in parts are judged whole.
async function shows(p, needle, selector = '#view') {
    try {
        await p.waitForFunction(([sel, n]) => {
            const el = document.querySelector(sel);
            return el && el.innerText.includes(n);
        }, [selector, needle], WAIT);
    } catch (e) {
        assert.fail(`${selector} never showed ${JSON.stringify(needle)}; it shows:\n${await text(p, selector).catch(() => '?')}`);
    }
}

test('the home page shows the head and its latest blocks, and a new block appears without reload', T, async () => {
    await open(page, '');
    await shows(page, 'Latest blocks');
    const head = Number(await text(page, '#head-height'));
    const info = await chain.rpc.blockchain.getChainInfo();
    assert.ok(head >= Number(info.head_block) - 1, `head ${head} vs ${info.head_block}`);
    await shows(page, s.fail.slice(0, 8), '#latest-txs');
    // The node's JSVM_BLOCK feed carries the page (not polling).
    await page.waitForFunction(() => document.getElementById('live').textContent === 'live', null, WAIT);
    await shot(page, 'home-desktop');
    await open(phone, '');
    await shows(phone, 'Latest blocks');
    await shot(phone, 'home-phone');

    // A marker on window survives only if the page is not reloaded.
    await page.evaluate(() => {
        window.__noReload = true;
    });
    const more = await sendAndWait(chain, chain.iost.callABI(s.contract, 'post', ['live block']));
    const n = Number(more.receipt.block_number || (await chain.rpc.blockchain.getChainInfo()).head_block);
    await page.waitForFunction((want) => Number(document.querySelector('#head-height').textContent) >= want, n, WAIT);
    await shows(page, more.hash.slice(0, 8), '#latest-txs');
    assert.equal(await page.evaluate(() => window.__noReload), true);
});

test('a block page shows its fields and transactions with status', T, async () => {
    const r = await chain.rpc.transaction.getTxReceiptByTxHash(s.fail);
    const tx = await chain.rpc.transaction.getTxByHash(s.fail);
    const number = r.block_number || tx.block_number;
    const blockAnswer = await (await fetch(`${chain.node.url}/getBlockByNumber/${number}/false`)).json().catch(() => null);
    const n = number || (blockAnswer && blockAnswer.block.number);
    await open(page, '#/block/' + n);
    await shows(page, 'Block #' + n);
    for (const label of ['Hash', 'Parent', 'Witness', 'Gas used', 'State root']) await shows(page, label);
    await shows(page, r.status_code);
    await shot(page, 'block-desktop');
});

test('a failed transaction shows its status and message', T, async () => {
    await open(page, '#/tx/' + s.fail);
    await shows(page, 'RUNTIME_ERROR');
    await shows(page, 'refused this call', '#tx-message');
    await shows(page, 'fail');
    await shows(page, '"this call"');
    // The publisher's signature: admin's development key is Ed25519.
    await shows(page, 'publisher');
    await shows(page, 'ED25519');
    await shot(page, 'tx-failed-desktop');
});

test('a transaction shows its action arguments, receipts and events', T, async () => {
    await open(page, '#/tx/' + s.post);
    await shows(page, 'SUCCESS');
    await shows(page, '"hello from the test"');
    await shows(page, 'posted 1');
    await shows(page, '"text": "hello from the test"', '#events');
    await shot(page, 'tx-desktop');
    await open(phone, '#/tx/' + s.post);
    await shows(phone, 'SUCCESS');
    await shot(phone, 'tx-phone');
});

test('an account shows its balances per token, its permissions and history', T, async () => {
    const bal = await chain.rpc.blockchain.getBalance('alice01', 'iost', 1);
    await open(page, '#/account/alice01');
    await shows(page, String(bal.balance), '#balances');
    assert.ok(Number(bal.balance) >= 12.5);
    await shows(page, 'active');
    await shows(page, 'owner');
    await shows(page, 'gold', '#balances');
    await shows(page, '7.25', '#balances');
    await shows(page, s.transfer.slice(0, 8));
    await shot(page, 'account-desktop');
});

test('a contract shows its source, ABI, deployment, storage, events and answers a read-only call', T, async () => {
    await open(page, '#/contract/' + s.contract);
    await shows(page, 'storage.mapPut');
    await shows(page, 'count');
    await shows(page, s.deploy.slice(0, 8));
    await shows(page, 'by admin');
    await shows(page, 'posts', '#storage');
    await shows(page, 'map', '#storage');
    await page.locator('#storage button', { hasText: 'fields' }).first().click();
    await shows(page, 'live block', '#storage');
    await shows(page, 'hello from the test', '#contract-events');
    await page.selectOption('#call-form select[name=method]', 'count');
    await page.click('#call-form button[type=submit]');
    await shows(page, 'SUCCESS', '#call-result');
    await shows(page, '2', '#call-result');
    await shot(page, 'contract-desktop');
});

test("a failed call's node log links the engine's frame to the line of the contract's source", T, async () => {
    await open(page, '#/tx/' + s.fail);
    await shows(page, 'Error: refused this call', '#tx-log');
    const links = page.locator('#tx-log a.pos');
    assert.ok((await links.count()) >= 1, await text(page, '#tx-log'));
    await links.first().click();
    await page.waitForSelector('#hit-line', WAIT);
    assert.match(await text(page, '#hit-line'), /throw new Error\("refused " \+ text\);/);
    await shot(page, 'contract-failure-line-desktop');
});

test("a packed project's contract shows its module tree, and a failure in a module links to that file's line", T, async () => {
    await open(page, '#/contract/' + s.shelf);
    await shows(page, 'src/index.js (entry)');
    await shows(page, 'src/check.js');
    await page.locator('a', { hasText: 'src/check.js' }).first().click();
    await shows(page, "throw new Error('title too long: ' + title);", 'pre.source[data-file="src/check.js"]');
    await open(page, '#/tx/' + s.shelfFail);
    await shows(page, 'title too long', '#tx-log');
    const link = page.locator('#tx-log a.pos', { hasText: 'src/check.js:3' });
    assert.equal(await link.count(), 1, await text(page, '#tx-log'));
    await link.click();
    await page.waitForSelector('pre.source[data-file="src/check.js"] #hit-line', WAIT);
    assert.match(await text(page, '#hit-line'), /throw new Error\('title too long: ' \+ title\);/);
    await shot(page, 'contract-bundle-desktop');
});

test('a refused deployment links its failure position to the line of the code it submitted', T, async () => {
    await open(page, '#/tx/' + s.badDeploy);
    await shows(page, 'with statement', '#tx-message');
    assert.equal(await page.locator('#tx-message a.pos').count(), 1, await text(page, '#tx-message'));
    await page.locator('#tx-message a.pos').first().click();
    await page.waitForSelector('#hit-line', WAIT);
    assert.match(await text(page, '#hit-line'), /^4\s*with \(\{\}\) \{\}/);
    await shot(page, 'tx-refused-deploy-desktop');
});

test('search finds a block number, a transaction hash, an account and a contract', T, async () => {
    const search = async (q) => {
        await page.fill('#search-input', q);
        await page.press('#search-input', 'Enter');
    };
    await open(page, '');
    await search('1');
    await shows(page, 'Block #1');
    await search(s.post);
    await shows(page, 'Transaction');
    await shows(page, s.post);
    await search('alice01');
    await shows(page, 'Account alice01');
    await search(s.contract);
    await shows(page, 'Contract ' + s.contract);
    await search('no_such_name_at_all');
    await shows(page, 'Nothing found');
});

test('unknown hashes and an unreachable node are clear error states', T, async () => {
    await open(page, '#/tx/' + '1'.repeat(32));
    await shows(page, 'No such transaction');
    await open(page, '#/block/999999');
    await shows(page, 'No such block');
    await shot(page, 'error-desktop');
    const cut = await browser.newPage();
    await cut.goto(chain.node.url + '/', WAIT);
    await cut.route('**/getTxByHash/**', (r) => r.abort());
    await cut.evaluate((h) => {
        location.hash = h;
    }, '#/tx/' + s.post);
    await shows(cut, 'The node is unreachable');
    await cut.close();
});
