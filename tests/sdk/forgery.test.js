// Forged and stale transactions are refused at sendTx with an HTTP error whose JSON body says why, and none of
// them reaches a block.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { KeyPair, Algorithm, Account } = require('iost');
const {
    balance,
    freshChain,
    newEd25519Account,
    publish,
    refused,
    sendAndWait,
    waitReceipt,
} = require('./support/chain');

const T = { timeout: 30000 };
let chain;
let alice;
let bob;

before(async () => {
    chain = await freshChain();
    alice = await newEd25519Account(chain, 'alice01');
    bob = await newEd25519Account(chain, 'bobby01');
    const { receipt } = await sendAndWait(chain, chain.iost.transfer('iost', 'admin', 'alice01', '50', ''));
    assert.equal(receipt.status_code, 'SUCCESS', receipt.message);
}, T);

after(async () => {
    if (chain) await chain.close();
});

function aliceToBob(amount = '1', memo = '') {
    return chain.iost.transfer('iost', 'alice01', 'bobby01', amount, memo);
}

// Every case must leave the balances as they were: nothing refused may reach a block.
async function assertRefusedAndUnchanged(tx, pattern) {
    const before = [await balance(chain.rpc, 'alice01'), await balance(chain.rpc, 'bobby01')];
    const body = await refused(chain.rpc.transaction.sendTx(tx));
    assert.equal(typeof body.code, 'number', JSON.stringify(body));
    assert.match(body.message, pattern);
    // A later transaction of alice's is committed; had the refused one been kept, it would be too by now.
    const probeTx = chain.iost.transfer('iost', 'alice01', 'admin', '0.001', 'probe');
    const probe = await sendAndWait(chain, probeTx, alice.account);
    assert.equal(probe.receipt.status_code, 'SUCCESS', probe.receipt.message);
    assert.deepEqual([await balance(chain.rpc, 'alice01'), await balance(chain.rpc, 'bobby01')], [
        Math.round((before[0] - 0.001) * 1e8) / 1e8,
        before[1],
    ]);
    return body;
}

test('signed with a key the account does not hold', T, async () => {
    const impostor = new Account('alice01');
    const wrong = KeyPair.newKeyPair(Algorithm.Ed25519);
    impostor.addKeyPair(wrong, 'active');
    const tx = publish(chain.iost, aliceToBob('1', 'wrong key'), impostor);
    await assertRefusedAndUnchanged(tx, /unauthorized publisher: alice01/);
});

test('changed after signing', T, async () => {
    const tx = publish(chain.iost, aliceToBob('1', 'honest'), alice.account);
    tx.actions[0].data = JSON.stringify(['iost', 'alice01', 'bobby01', '40', 'honest']);
    await assertRefusedAndUnchanged(tx, /signature/i);
});

test('signed for another chain id', T, async () => {
    const tx = aliceToBob('1', 'other chain');
    tx.setChainID(1023);
    publish(chain.iost, tx, alice.account);
    await assertRefusedAndUnchanged(tx, /chain.?id/i);
});

test('expired', T, async () => {
    const tx = aliceToBob('1', 'stale');
    const now = Date.now() * 1e6 + chain.iost.serverTimeDiff;
    tx.time = now - 200e9;
    tx.expiration = now - 100e9;
    tx.delay = 0;
    alice.account.signTx(tx);
    await assertRefusedAndUnchanged(tx, /expired/i);
});

test('replayed, while pending and once on chain', T, async () => {
    const bobBefore = await balance(chain.rpc, 'bobby01');
    const tx = publish(chain.iost, aliceToBob('2', 'once'), alice.account);
    const { hash } = await chain.rpc.transaction.sendTx(tx);
    // Sent again at once: pending, or already in the block just made; refused either way.
    const again = await refused(chain.rpc.transaction.sendTx(tx));
    assert.match(again.message, /tx exists in (pending|chain)/);
    const receipt = await waitReceipt(chain.rpc, hash);
    assert.equal(receipt.status_code, 'SUCCESS', receipt.message);
    assert.equal(await balance(chain.rpc, 'bobby01'), bobBefore + 2);
    await assertRefusedAndUnchanged(tx, /tx exists in chain/);
});

test('a claimed signer without its signature', T, async () => {
    const tx = chain.iost.callABI('token.iost', 'transfer', ['iost', 'bobby01', 'alice01', '1', 'not bob']);
    tx.addApprove('iost', '1');
    tx.addSigner('bobby01', 'active');
    publish(chain.iost, tx, alice.account);
    await assertRefusedAndUnchanged(tx, /bobby01@active/);
});

test('the same claimed signer with its signature is accepted', T, async () => {
    await sendAndWait(chain, chain.iost.transfer('iost', 'admin', 'bobby01', '5', ''));
    const tx = chain.iost.callABI('token.iost', 'transfer', ['iost', 'bobby01', 'alice01', '1', 'bob signed']);
    tx.addApprove('iost', '1');
    tx.addSigner('bobby01', 'active');
    const { receipt } = await sendAndWait(chain, tx, alice.account, [[bob.account, 'active']]);
    assert.equal(receipt.status_code, 'SUCCESS', receipt.message);
});
