// A contract deployed through system.iost setCode, called, read back from storage, heard through a subscription
// (only after commit, only successful transactions) and tried with execTx (a dry run that commits nothing).
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { freshChain, refused, sendAndWait, publish } = require('./support/chain');
const { subscribe } = require('./support/stream');

const T = { timeout: 30000 };

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
        blockchain.event("never seen: " + text);
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
let contractId;
let events; // a CONTRACT_EVENT subscription opened before the first call

async function call(method, args) {
    return sendAndWait(chain, chain.iost.callABI(contractId, method, args));
}

before(async () => {
    chain = await freshChain();
    const deploy = chain.iost.callABI('system.iost', 'setCode', [JSON.stringify({ ID: '', info: ABI, code: SOURCE })]);
    const { hash, receipt } = await sendAndWait(chain, deploy);
    assert.equal(receipt.status_code, 'SUCCESS', receipt.message);
    contractId = JSON.parse(receipt.returns[0])[0];
    assert.equal(contractId, `Contract${hash}`);
    events = await subscribe(chain.node.url, { topics: ['CONTRACT_EVENT'], filter: { contract_id: contractId } });
}, T);

after(async () => {
    if (events) events.close();
    if (chain) await chain.close();
});

test('getContract shows the deployed code and its ABI', T, async () => {
    const c = await chain.rpc.blockchain.getContract(contractId, true);
    assert.equal(c.id, contractId);
    assert.equal(c.language, 'javascript');
    assert.deepEqual(
        c.abis.map((a) => [a.name, a.args]),
        [
            ['post', ['string']],
            ['fail', ['string']],
            ['count', []],
        ],
    );
});

test('a call returns its value, writes storage and records its receipt', T, async () => {
    const { hash, receipt } = await call('post', ['first']);
    assert.equal(receipt.status_code, 'SUCCESS', receipt.message);
    assert.equal(receipt.tx_hash, hash);
    // Each action's return values as a JSON array text; a contract's return value is kept as its string.
    assert.deepEqual(receipt.returns, ['["1"]']);
    assert.deepEqual(receipt.receipts, [{ func_name: `${contractId}/post`, content: 'posted 1' }]);

    const count = await chain.rpc.blockchain.getContractStorage(contractId, 'count', true);
    assert.equal(count.data, '1');
    const post = await chain.rpc.blockchain.getContractStorage(contractId, 'posts', '1', true);
    assert.equal(post.data, 'first');
    const fields = await chain.rpc.blockchain.getContractStorageFields(contractId, 'posts', true);
    assert.deepEqual(fields.fields, ['1']);

    const message = await events.next();
    assert.ok(message, 'no event within 10 s');
    assert.equal(message.result.event.topic, 'CONTRACT_EVENT');
    assert.deepEqual(JSON.parse(message.result.event.data), { n: 1, text: 'first' });
    assert.ok(Number(message.result.event.time) > 0);
});

test('events reach a subscriber only after commit, and never from a failed transaction', T, async () => {
    const failed = await call('fail', ['x']);
    assert.equal(failed.receipt.status_code, 'RUNTIME_ERROR');
    assert.match(failed.receipt.message, /refused x/);

    const tx = chain.iost.callABI(contractId, 'post', ['second']);
    publish(chain.iost, tx, chain.admin);
    const { hash } = await chain.rpc.transaction.sendTx(tx);
    const message = await events.next();
    assert.ok(message, 'no event within 10 s');
    assert.deepEqual(JSON.parse(message.result.event.data), { n: 2, text: 'second' });
    // The event came after its block was committed, so the receipt is already served.
    const receipt = await chain.rpc.transaction.getTxReceiptByTxHash(hash);
    assert.equal(receipt.status_code, 'SUCCESS');
});

test('from_block replays the committed events in chain order, then goes on live', T, async () => {
    const replay = await subscribe(chain.node.url, {
        topics: ['CONTRACT_EVENT', 'CONTRACT_RECEIPT'],
        filter: { contract_id: contractId },
        from_block: 1,
    });
    try {
        const seen = [];
        for (let i = 0; i < 4; i++) {
            const m = await replay.next();
            assert.ok(m, `replay ended after ${i} messages`);
            seen.push([m.result.event.topic, m.result.event.data]);
        }
        const byTopic = (topic) => seen.filter(([t]) => t === topic).map(([, d]) => d);
        assert.deepEqual(byTopic('CONTRACT_EVENT').map(JSON.parse), [
            { n: 1, text: 'first' },
            { n: 2, text: 'second' },
        ]);
        assert.deepEqual(byTopic('CONTRACT_RECEIPT'), ['posted 1', 'posted 2']);

        await call('post', ['third']);
        const live = [await replay.next(), await replay.next()].map((m) => m && m.result.event.topic).sort();
        assert.deepEqual(live, ['CONTRACT_EVENT', 'CONTRACT_RECEIPT']);
        const own = await events.next();
        assert.deepEqual(JSON.parse(own.result.event.data), { n: 3, text: 'third' });
    } finally {
        replay.close();
    }
});

test('execTx runs on the head state and commits nothing', T, async () => {
    const headBefore = Number((await chain.rpc.blockchain.getChainInfo()).head_block);
    const countBefore = (await chain.rpc.blockchain.getContractStorage(contractId, 'count', true)).data;

    const tx = chain.iost.callABI(contractId, 'post', ['dry run']);
    publish(chain.iost, tx, chain.admin);
    const receipt = await chain.rpc.getProvider().send('post', 'execTx', JSON.parse(JSON.stringify(tx)));
    assert.equal(receipt.status_code, 'SUCCESS', receipt.message);
    assert.deepEqual(receipt.returns, [JSON.stringify([String(Number(countBefore) + 1)])]);
    assert.ok(Number(receipt.gas_usage) > 0);

    assert.equal((await chain.rpc.blockchain.getContractStorage(contractId, 'count', true)).data, countBefore);
    assert.equal(Number((await chain.rpc.blockchain.getChainInfo()).head_block), headBefore);
    const lookup = await refused(chain.rpc.transaction.getTxReceiptByTxHash(receipt.tx_hash));
    assert.equal(typeof lookup.message, 'string');
    assert.equal(await events.next(500), null, 'a dry run must not reach subscribers');

    // The same signed transaction can still be sent for real afterwards.
    const { hash } = await chain.rpc.transaction.sendTx(tx);
    assert.equal(hash, receipt.tx_hash);
});

test('storage reads of missing contracts and unknown paths are errors with a message', T, async () => {
    const missing = await refused(chain.rpc.blockchain.getContract('ContractNope', true));
    assert.equal(typeof missing.message, 'string');
    assert.ok(missing.message.length > 0);
    const unknown = await refused(chain.rpc.getProvider().send('get', 'noSuchEndpoint'));
    assert.ok(unknown.message.length > 0);
});
