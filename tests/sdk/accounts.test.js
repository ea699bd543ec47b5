// Accounts with ed25519 and secp256k1 keys, transfers under amount limits, account and balance queries.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { KeyPair, TxHandler } = require('iost');
const {
    balance,
    freshChain,
    newEd25519Account,
    newSecp256k1Account,
    publish,
    refused,
    sendAndWait,
    waitReceipt,
} = require('./support/chain');

const T = { timeout: 30000 };
let chain;
let alice; // ed25519
let carol; // secp256k1

before(async () => {
    chain = await freshChain();
    alice = await newEd25519Account(chain, 'alice01');
    carol = await newSecp256k1Account(chain, 'carol01');
}, T);

after(async () => {
    if (chain) await chain.close();
});

test('the node tells the SDK its chain and time', T, async () => {
    const info = await chain.rpc.blockchain.getChainInfo();
    assert.equal(Number(info.chain_id), 1024);
    assert.ok(Number(info.head_block) >= 1, `head_block ${info.head_block}`);
    const nodeInfo = await chain.rpc.net.getNodeInfo();
    const skewSeconds = Math.abs(Number(nodeInfo.server_time) - Date.now() * 1e6) / 1e9;
    assert.ok(skewSeconds < 5, `server_time is ${skewSeconds} s from this clock`);
});

test('newAccount (ed25519) signs up, buys RAM and pledges gas in one receipt', T, async () => {
    assert.equal(alice.receipt.status_code, 'SUCCESS', alice.receipt.message);
    const info = await chain.rpc.blockchain.getAccountInfo('alice01', true);
    assert.equal(info.name, 'alice01');
    for (const perm of ['owner', 'active']) {
        const items = info.permissions[perm].items;
        assert.deepEqual(
            items.map((i) => [i.id, i.is_key_pair, Number(i.weight)]),
            [[alice.key.B58PubKey(), true, 100]],
            `${perm} permission`,
        );
        assert.equal(Number(info.permissions[perm].threshold), 100);
    }
    assert.ok(Number(info.ram_info.total) >= 1024, `ram_info ${JSON.stringify(info.ram_info)}`);
    // 10 IOST pledged give 1000 gas each at once (IOST's rate), and 0.1 gas/s more up to 3000 each.
    assert.ok(Number(info.gas_info.pledge_gas) >= 10000, `gas_info ${JSON.stringify(info.gas_info)}`);
    assert.equal(Number(info.gas_info.limit), 30000);
    // As on IOST, pledged_info lists the pledges an account made (its `pledger` field names the account pledged
    // for): alice's is empty, admin's shows alice's 10 IOST.
    assert.deepEqual(info.gas_info.pledged_info, []);
    const admin = await chain.rpc.blockchain.getAccountInfo('admin', true);
    assert.deepEqual(
        admin.gas_info.pledged_info.map((p) => [p.pledger, Number(p.amount)]).filter(([who]) => who === 'alice01'),
        [['alice01', 10]],
        `admin's gas_info ${JSON.stringify(admin.gas_info)}`,
    );
});

test('newAccount without an approval fails as on IOST: the RAM payment exceeds the amount limit', T, async () => {
    const key = KeyPair.newKeyPair();
    const tx = chain.iost.newAccount('nolimit1', 'admin', key.B58PubKey(), key.B58PubKey(), 1024, 10);
    const { receipt } = await sendAndWait(chain, tx);
    assert.equal(receipt.status_code, 'RUNTIME_ERROR');
    assert.match(receipt.message, /ram\.iost\.buy: token iost exceed amountLimit in tx/);
    await assert.rejects(chain.rpc.blockchain.getAccountInfo('nolimit1', true), /account not found/);
});

test('a secp256k1 account is made with the same three actions built by hand', T, async () => {
    assert.equal(carol.receipt.status_code, 'SUCCESS', carol.receipt.message);
    const info = await chain.rpc.blockchain.getAccountInfo('carol01', true);
    assert.equal(info.permissions.active.items[0].id, carol.key.B58PubKey());
    assert.equal(carol.key.pubkey.length, 33);
});

test('transfers signed by ed25519 and secp256k1 accounts move exactly their amount', T, async () => {
    const funding = chain.iost.transfer('iost', 'admin', 'alice01', '100', 'funding');
    const funded = await sendAndWait(chain, funding);
    assert.equal(funded.receipt.status_code, 'SUCCESS', funded.receipt.message);
    assert.equal(await balance(chain.rpc, 'alice01'), 100);

    const a2c = chain.iost.transfer('iost', 'alice01', 'carol01', '12.5', 'from alice');
    const sent = await sendAndWait(chain, a2c, alice.account);
    assert.equal(sent.receipt.status_code, 'SUCCESS', sent.receipt.message);

    const c2a = chain.iost.transfer('iost', 'carol01', 'alice01', '2.25', 'from carol');
    const back = await sendAndWait(chain, c2a, carol.account);
    assert.equal(back.receipt.status_code, 'SUCCESS', back.receipt.message);

    assert.equal(await balance(chain.rpc, 'alice01'), 100 - 12.5 + 2.25);
    assert.equal(await balance(chain.rpc, 'carol01'), 12.5 - 2.25);
});

test('a transfer beyond its amount limit fails on chain and moves nothing', T, async () => {
    const before = await balance(chain.rpc, 'carol01');
    const tx = chain.iost.callABI('token.iost', 'transfer', ['iost', 'carol01', 'alice01', '5', 'too much']);
    tx.addApprove('iost', '1');
    const { receipt } = await sendAndWait(chain, tx, carol.account);
    assert.equal(receipt.status_code, 'RUNTIME_ERROR');
    assert.match(receipt.message, /token iost exceed amountLimit in tx/);
    assert.equal(await balance(chain.rpc, 'carol01'), before);
});

test('a transfer within a wider amount limit succeeds', T, async () => {
    const tx = chain.iost.callABI('token.iost', 'transfer', ['iost', 'carol01', 'alice01', '1', 'within']);
    tx.addApprove('iost', '3');
    const { receipt } = await sendAndWait(chain, tx, carol.account);
    assert.equal(receipt.status_code, 'SUCCESS', receipt.message);
});

test("the SDK's signAndSend and TxHandler see the receipt on chain", T, async () => {
    const viaIost = await new Promise((resolve, reject) => {
        chain.iost
            .signAndSend(chain.iost.transfer('iost', 'admin', 'alice01', '1', 'signAndSend'))
            .on('failed', (e) => reject(new Error(`signAndSend failed: ${JSON.stringify(e)}`)))
            .on('success', resolve);
    });
    assert.equal(viaIost.status_code, 'SUCCESS');

    const tx = chain.iost.transfer('iost', 'alice01', 'admin', '1', 'TxHandler');
    publish(chain.iost, tx, alice.account);
    const viaHandler = await new Promise((resolve, reject) => {
        new TxHandler(tx, chain.rpc)
            .onPending(() => {})
            .onSuccess(resolve)
            .onFailed((e) => reject(new Error(`TxHandler failed: ${JSON.stringify(e)}`)))
            .send()
            .listen(100, 100);
    });
    assert.equal(viaHandler.status_code, 'SUCCESS');
    const byHash = await chain.rpc.transaction.getTxByHash(viaHandler.tx_hash);
    assert.equal(byHash.transaction.publisher, 'alice01');
    assert.equal(byHash.transaction.actions[0].action_name, 'transfer');
    assert.deepEqual(await waitReceipt(chain.rpc, viaHandler.tx_hash), viaHandler);
});

test('getAccount answers an unknown name with an error body', T, async () => {
    const body = await refused(chain.rpc.blockchain.getAccountInfo('nobody99', true));
    assert.match(body.message, /account not found/);
    assert.equal(typeof body.code, 'number');
});
