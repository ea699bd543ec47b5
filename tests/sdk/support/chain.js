// A real `jsvm node` process for one test file, and the few steps every test repeats with IOST's SDK.
// The SDK is used as published (npm `iost@0.1.22`, what `require('iost')` loads): nothing here patches it.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { IOST, RPC, HTTPProvider, KeyPair, Algorithm, Account, Tx } = require('iost');

const STARTUP_MS = 30000;
const RECEIPT_MS = 15000;
const POLL_MS = 50;
const LISTENING = /^jsvm node listening on (http:\/\/\S+)\s*$/;

function jsvmBin() {
    const bin = process.env.JSVM_BIN;
    if (!bin) {
        throw new Error('JSVM_BIN is not set: point it at the jsvm binary (make test-sdk does)');
    }
    if (!fs.existsSync(bin)) {
        throw new Error(`JSVM_BIN=${bin} does not exist: build it first (cargo build --workspace --all-targets)`);
    }
    return bin;
}

function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

// One `jsvm node` process on 127.0.0.1 and a free port, with `adminKey` (base58 public key) as the owner and
// active key of `admin`. Resolves once the node printed its address; rejects with its stderr if it exits or
// says nothing within STARTUP_MS.
function startNode(dataDir, adminKey, extraArgs = []) {
    const args = ['node', '--data', dataDir, '--http', '127.0.0.1:0', '--admin-key', adminKey, ...extraArgs];
    const child = spawn(jsvmBin(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
        stderr = (stderr + chunk).slice(-8000);
    });
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const node = { child, dataDir, exited, stderr: () => stderr };

    const listening = new Promise((resolve, reject) => {
        let pending = '';
        const timer = setTimeout(() => {
            child.kill('SIGKILL');
            reject(new Error(`jsvm node printed no address within ${STARTUP_MS} ms; stderr:\n${stderr}`));
        }, STARTUP_MS);
        child.stdout.on('data', (chunk) => {
            pending += chunk;
            const lines = pending.split('\n');
            pending = lines.pop();
            for (const line of lines) {
                const m = LISTENING.exec(line);
                if (m) {
                    clearTimeout(timer);
                    resolve(m[1]);
                }
            }
        });
        exited.then(({ code, signal }) => {
            clearTimeout(timer);
            reject(new Error(`jsvm node exited (code ${code}, signal ${signal}) before listening; stderr:\n${stderr}`));
        });
    });
    return listening.then((url) => {
        node.url = url;
        node.rpc = new RPC(new HTTPProvider(url, 10000));
        return node;
    });
}

// Ends the process with `signal` and waits (bounded) until it is gone.
async function stopNode(node, signal = 'SIGTERM') {
    if (node.child.exitCode !== null || node.child.signalCode !== null) {
        return node.exited;
    }
    node.child.kill(signal);
    const gone = await Promise.race([node.exited, sleep(10000).then(() => null)]);
    if (gone === null) {
        node.child.kill('SIGKILL');
        return node.exited;
    }
    return gone;
}

// A fresh chain for one test file: a temporary data directory, an admin key generated here, the node, and an
// `IOST` instance whose clock is corrected from the node's `server_time` (what `setRPC` does).
async function freshChain() {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jsvm-sdk-'));
    const adminKey = KeyPair.newKeyPair(Algorithm.Ed25519);
    const node = await startNode(dataDir, adminKey.B58PubKey());
    const admin = new Account('admin');
    admin.addKeyPair(adminKey, 'owner');
    admin.addKeyPair(adminKey, 'active');
    const iost = await connect(node);
    iost.setAccount(admin);
    const chain = { node, dataDir, adminKey, admin, iost, rpc: node.rpc };
    chain.close = async () => {
        await stopNode(chain.node);
        fs.rmSync(dataDir, { recursive: true, force: true });
    };
    return chain;
}

async function connect(node) {
    const iost = new IOST({ gasRatio: 1, gasLimit: 2000000, delay: 0, expiration: 90 });
    await iost.setRPC(node.rpc);
    return iost;
}

// An account holding one key for both owner and active, as the SDK's examples make them.
function accountWith(name, keyPair) {
    const account = new Account(name);
    account.addKeyPair(keyPair, 'owner');
    account.addKeyPair(keyPair, 'active');
    return account;
}

// The SDK writes a secp256k1 signature as r and s without their leading zero bytes, so about one signature in
// 128 is shorter than 64 bytes, which IOST (and jsvm) refuse. Real IOST clients retry; so does this: a new
// time gives a new hash and a new signature.
function publish(iost, tx, account, cosigners = []) {
    for (let attempt = 0; attempt < 16; attempt++) {
        tx.signatures = [];
        tx.publisher_sigs = [];
        tx.setTime(iost.config.expiration, iost.config.delay, iost.serverTimeDiff + attempt * 1000);
        for (const [signer, permission] of cosigners) {
            signer.sign(tx, permission);
        }
        account.signTx(tx);
        if ([...tx.signatures, ...tx.publisher_sigs].every((s) => s.sig.length === 64)) {
            return tx;
        }
    }
    throw new Error('could not make 64-byte signatures in 16 attempts');
}

// Polls the receipt until the transaction is on chain (bounded).
async function waitReceipt(rpc, hash) {
    const deadline = Date.now() + RECEIPT_MS;
    let last;
    while (Date.now() < deadline) {
        try {
            return await rpc.transaction.getTxReceiptByTxHash(hash);
        } catch (e) {
            last = e;
        }
        await sleep(POLL_MS);
    }
    throw new Error(`no receipt for ${hash} within ${RECEIPT_MS} ms; last answer: ${last}`);
}

// Signs, sends and waits: the committed receipt.
async function sendAndWait(chain, tx, account = chain.admin, cosigners = []) {
    publish(chain.iost, tx, account, cosigners);
    const { hash } = await chain.rpc.transaction.sendTx(tx);
    const receipt = await waitReceipt(chain.rpc, hash);
    return { hash, receipt };
}

// The JSON body of a refused request: the SDK's HTTPProvider throws `Error("error: " + JSON.stringify(body))`.
function errorBody(err) {
    const text = String(err && err.message);
    if (!text.startsWith('error: {')) {
        throw new Error(`not an HTTP error with a JSON body: ${text}`);
    }
    return JSON.parse(text.slice('error: '.length));
}

// Resolves with the error body of a request that must be refused; fails the test if it succeeds.
async function refused(promise) {
    let value;
    try {
        value = await promise;
    } catch (e) {
        return errorBody(e);
    }
    throw new Error(`expected a refusal, got ${JSON.stringify(value)}`);
}

async function balance(rpc, name, token = 'iost') {
    const answer = await rpc.blockchain.getBalance(name, token, 1);
    return Number(answer.balance);
}

// What account creation may spend: IOST holds the RAM payment and the pledge, both token.iost transfers out of
// the creator's account, to the transaction's amount limit as to any other, and the SDK's newAccount adds none.
const CREATION_APPROVAL = '1000';

// Creates `name` with an ed25519 key through the SDK's own newAccount (signUp, ram buy, gas pledge).
async function newEd25519Account(chain, name, ram = 1024, pledge = 10) {
    const key = KeyPair.newKeyPair(Algorithm.Ed25519);
    const tx = chain.iost.newAccount(name, 'admin', key.B58PubKey(), key.B58PubKey(), ram, pledge);
    tx.addApprove('iost', CREATION_APPROVAL);
    const { receipt } = await sendAndWait(chain, tx);
    return { key, account: accountWith(name, key), receipt };
}

// Creates `name` with a secp256k1 key: the same three actions as newAccount, built by hand, since the SDK's
// newAccount accepts only 32-byte (ed25519) public keys.
async function newSecp256k1Account(chain, name, ram = 1024, pledge = 10) {
    const key = KeyPair.newKeyPair(Algorithm.Secp256k1);
    const tx = new Tx(chain.iost.config.gasRatio, chain.iost.config.gasLimit);
    tx.addAction('auth.iost', 'signUp', JSON.stringify([name, key.B58PubKey(), key.B58PubKey()]));
    tx.addAction('ram.iost', 'buy', JSON.stringify(['admin', name, ram]));
    tx.addAction('gas.iost', 'pledge', JSON.stringify(['admin', name, String(pledge)]));
    tx.addApprove('iost', CREATION_APPROVAL);
    const { receipt } = await sendAndWait(chain, tx);
    return { key, account: accountWith(name, key), receipt };
}

module.exports = {
    accountWith,
    balance,
    connect,
    errorBody,
    freshChain,
    jsvmBin,
    newEd25519Account,
    newSecp256k1Account,
    publish,
    refused,
    sendAndWait,
    sleep,
    startNode,
    stopNode,
    waitReceipt,
};
