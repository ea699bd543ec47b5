// A replicated chain of 4 `jsvm node` validator processes on loopback, started by scripts/cluster.sh as a user
// starts it, driven by IOST's SDK through all four HTTP endpoints: transactions sent to one node are committed by
// all; one validator is SIGKILLed mid-run while the others go on, restarted by `cluster.sh start` on its old
// data, and catches up; at the end every node serves the same blocks, receipts and balances.
'use strict';

const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const bs58 = require('bs58');
const { RPC, HTTPProvider, KeyPair, Algorithm } = require('iost');
const { accountWith, balance, connect, jsvmBin, newEd25519Account, publish, sleep, waitReceipt } = require(
    './support/chain',
);

const CLUSTER = path.join(__dirname, '..', '..', 'scripts', 'cluster.sh');
const VALIDATORS = 4;
const TRANSFERS = 24;
const CATCH_UP_MS = 60000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jsvm-cluster-'));

function cluster(...args) {
    return execFileSync('bash', [CLUSTER, ...args], {
        env: { ...process.env, JSVM: jsvmBin() },
        encoding: 'utf8',
        timeout: 150000,
    });
}

after(() => {
    try {
        cluster('stop', dir);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});

function pidOf(i) {
    return Number(fs.readFileSync(path.join(dir, `v${i}`, 'pid'), 'utf8'));
}

async function head(rpc) {
    return Number((await rpc.blockchain.getChainInfo()).head_block);
}

// Waits until every node has committed `height` (bounded).
async function allReach(rpcs, height) {
    const deadline = Date.now() + CATCH_UP_MS;
    for (;;) {
        const heads = await Promise.all(rpcs.map((rpc) => head(rpc).catch(() => -1)));
        if (heads.every((h) => h >= height)) return;
        assert.ok(Date.now() < deadline, `not every node reached block ${height} in time: ${heads}`);
        await sleep(100);
    }
}

test('four validator processes agree through a SIGKILL and a restart', { timeout: 240000 }, async () => {
    const endpoints = cluster('start', String(VALIDATORS), dir).trim().split('\n');
    assert.equal(endpoints.length, VALIDATORS, `one endpoint a line: ${endpoints}`);
    for (const url of endpoints) assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const rpcs = endpoints.map((url) => new RPC(new HTTPProvider(url, 10000)));
    const info = await rpcs[0].blockchain.getChainInfo();
    assert.deepEqual(info.witness_list, ['v0', 'v1', 'v2', 'v3']);

    // `admin` holds the key the cluster wrote to DIR/admin.key, as a base58 secret.
    const secret = fs.readFileSync(path.join(dir, 'admin.key'), 'utf8').trim();
    const adminKey = new KeyPair(bs58.decode(secret), Algorithm.Ed25519);
    const chains = [];
    for (const rpc of rpcs) {
        const iost = await connect({ rpc });
        iost.setAccount(accountWith('admin', adminKey));
        chains.push({ iost, rpc, admin: accountWith('admin', adminKey) });
    }
    await newEd25519Account(chains[1], 'alice01');

    // Transfers of 1..TRANSFERS iost to alice, each sent to a node in turn and its receipt read from the next
    // node; validator 2 is killed a third of the way through and restarted two thirds of the way.
    const sent = [];
    let killedAt;
    for (let i = 1; i <= TRANSFERS; i++) {
        if (i === TRANSFERS / 3) {
            process.kill(pidOf(2), 'SIGKILL');
            killedAt = await head(rpcs[0]);
        }
        if (i === (2 * TRANSFERS) / 3) {
            // The other three go on without it: what was sent meanwhile is committed, blocks later.
            for (const { hash, reader } of sent) await waitReceipt(rpcs[reader], hash);
            await allReach([rpcs[0], rpcs[1], rpcs[3]], killedAt + 5);
            const again = cluster('start', String(VALIDATORS), dir).trim().split('\n');
            assert.deepEqual(again, endpoints, 'the restarted node keeps its port');
        }
        // Node 2 takes no transaction while it is down, and reads none until it is back (receipts are read
        // before the restart).
        const down = i >= TRANSFERS / 3 && i < (2 * TRANSFERS) / 3 ? 2 : -1;
        let via = i % VALIDATORS;
        if (via === down) via = (via + 1) % VALIDATORS;
        let reader = (via + 1) % VALIDATORS;
        if (reader === 2 && i < (2 * TRANSFERS) / 3) reader = 3;
        const chain = chains[via];
        const tx = chain.iost.transfer('iost', 'admin', 'alice01', String(i), `t${i}`);
        publish(chain.iost, tx, chain.admin);
        const { hash } = await chain.rpc.transaction.sendTx(tx);
        sent.push({ hash, reader });
    }
    for (const { hash, reader } of sent) {
        const receipt = await waitReceipt(rpcs[reader], hash);
        assert.equal(receipt.status_code, 'SUCCESS', receipt.message);
    }

    // Everyone, the restarted node included, reaches the highest head any node reports, with the same blocks.
    const top = Math.max(...(await Promise.all(rpcs.map(head))));
    await allReach(rpcs, top);
    for (let h = 1; h <= top; h++) {
        const hashes = await Promise.all(rpcs.map(async (rpc) => (await rpc.blockchain.getBlockByNum(h, false)).block.hash));
        assert.equal(new Set(hashes).size, 1, `block ${h} differs between nodes: ${hashes}`);
    }
    const expected = (TRANSFERS * (TRANSFERS + 1)) / 2;
    for (const [i, rpc] of rpcs.entries()) {
        assert.equal(await balance(rpc, 'alice01'), expected, `alice's balance on node ${i}`);
        for (const { hash } of sent) {
            const receipt = await rpc.transaction.getTxReceiptByTxHash(hash);
            assert.equal(receipt.status_code, 'SUCCESS', `node ${i} serves every receipt`);
        }
    }
});
