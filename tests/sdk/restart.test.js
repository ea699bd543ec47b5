// SIGKILL while transactions are in flight, then a restart on the same data directory: every receipt shown
// before is served unchanged, the head is a whole block, and balances match exactly the transfers committed.
'use strict';

const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const {
    balance,
    connect,
    errorBody,
    freshChain,
    newEd25519Account,
    publish,
    sendAndWait,
    startNode,
    stopNode,
} = require('./support/chain');

const IN_FLIGHT = 16;
let chain;

after(async () => {
    if (chain) await chain.close();
});

test('a node killed with SIGKILL restarts from its last whole block', { timeout: 60000 }, async () => {
    chain = await freshChain();
    const alice = await newEd25519Account(chain, 'alice01');
    await newEd25519Account(chain, 'bobby01');
    const shown = [alice.receipt];
    const funding = await sendAndWait(chain, chain.iost.transfer('iost', 'admin', 'alice01', '1000', ''));
    shown.push(funding.receipt);
    const start = { alice: await balance(chain.rpc, 'alice01'), bob: await balance(chain.rpc, 'bobby01') };
    assert.equal(start.alice, 1000);

    // Transfers of 1..IN_FLIGHT iost, all sent; the node is killed as soon as the last is accepted.
    const sent = [];
    for (let i = 1; i <= IN_FLIGHT; i++) {
        const tx = chain.iost.transfer('iost', 'alice01', 'bobby01', String(i), `n${i}`);
        publish(chain.iost, tx, alice.account);
        sent.push({ amount: i, hash: (await chain.rpc.transaction.sendTx(tx)).hash });
        if (i === IN_FLIGHT / 2) {
            const { receipt } = await sendAndWait(chain, chain.iost.transfer('iost', 'admin', 'bobby01', '0.5', ''));
            shown.push(receipt);
        }
    }
    const killed = await stopNode(chain.node, 'SIGKILL');
    assert.equal(killed.signal, 'SIGKILL');

    chain.node = await startNode(chain.dataDir, chain.adminKey.B58PubKey());
    chain.rpc = chain.node.rpc;
    chain.iost = await connect(chain.node);
    const rpc = chain.rpc;

    for (const receipt of shown) {
        assert.deepEqual(await rpc.transaction.getTxReceiptByTxHash(receipt.tx_hash), receipt);
    }

    // Each in-flight transfer is either wholly on chain (a successful receipt) or wholly absent (mempools do
    // not survive a crash); the balances are exactly what the committed ones moved.
    let committed = 0;
    for (const { amount, hash } of sent) {
        let receipt = null;
        try {
            receipt = await rpc.transaction.getTxReceiptByTxHash(hash);
        } catch (e) {
            assert.equal(typeof errorBody(e).message, 'string');
        }
        if (receipt) {
            assert.equal(receipt.status_code, 'SUCCESS', receipt.message);
            committed += amount;
        }
    }
    assert.equal(await balance(rpc, 'alice01'), start.alice - committed);
    assert.equal(await balance(rpc, 'bobby01'), start.bob + 0.5 + committed);

    // The head block is whole: its transactions are all there, each with its receipt; nothing lies beyond it.
    const head = Number((await rpc.blockchain.getChainInfo()).head_block);
    const { block } = await rpc.blockchain.getBlockByNum(head, true);
    assert.equal(Number(block.number), head);
    assert.equal(Number(block.tx_count), block.transactions.length);
    for (const tx of block.transactions) {
        const receipt = await rpc.transaction.getTxReceiptByTxHash(tx.hash);
        assert.equal(receipt.tx_hash, tx.hash);
    }
    const beyond = await rpc.blockchain.getBlockByNum(head + 1, false).then(
        (answer) => assert.fail(`block ${head + 1} after the head: ${JSON.stringify(answer)}`),
        errorBody,
    );
    assert.equal(typeof beyond.message, 'string');
    const parent = await rpc.blockchain.getBlockByNum(head - 1, false);
    assert.equal(block.parent_hash, parent.block.hash);

    // The restarted node goes on: a new transfer is committed on top.
    const last = chain.iost.transfer('iost', 'alice01', 'bobby01', '1', 'after');
    const onTop = await sendAndWait(chain, last, alice.account);
    assert.equal(onTop.receipt.status_code, 'SUCCESS', onTop.receipt.message);
    assert.equal(await balance(rpc, 'bobby01'), start.bob + 0.5 + committed + 1);
});
