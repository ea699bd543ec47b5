// Computes the transaction vectors in sdk-vectors.json with IOST's JavaScript SDK (npm `iost` 0.1.22), so that
// jsvm-tx's tests check its bytes, hashes, keys and signatures against what the SDK really produces.
//
// Run (the SDK installed outside the repository):
//   mkdir -p /work/ref/sdk-run && (cd /work/ref/sdk-run && npm init -y && npm install iost@0.1.22)
//   NODE_PATH=/work/ref/sdk-run/node_modules node make-vectors.js > sdk-vectors.json
//
// Everything is deterministic (fixed seeds and times; ed25519 and the SDK's secp256k1 signing are both
// deterministic), so a rerun writes the same file.
'use strict';

const IOST = require('iost');
const Codec = require('iost/lib/crypto/codec');

const SECP256K1 = IOST.Algorithm.Secp256k1;
const ED25519 = IOST.Algorithm.Ed25519;

function seed(byte) {
    const bytes = Buffer.alloc(32);
    for (let i = 0; i < 32; i++) bytes[i] = (byte * 31 + i * 7) & 0xff;
    return bytes;
}

function keyPair(algorithm, seedByte) {
    return new IOST.KeyPair(seed(seedByte), algorithm);
}

function keyVector(algorithm, seedByte) {
    const kp = keyPair(algorithm, seedByte);
    return {
        algorithm: algorithm === ED25519 ? 'ED25519' : 'SECP256K1',
        seed_hex: seed(seedByte).toString('hex'),
        secret_b58: kp.B58SecKey(),
        public_b58: kp.B58PubKey(),
    };
}

// The SDK stops at the publish level; the full level is go-iost's `Tx.ToBytes(Full)`: the publish bytes, then
// referred_tx (empty), the publisher and the publisher's signatures.
function fullBytes(tx) {
    const c = new Codec();
    c._buf = Buffer.from(tx._bytes(1));
    c.pushBytes(Buffer.alloc(0));
    c.pushString(tx.publisher);
    c.pushInt(tx.publisher_sigs.length);
    for (const sig of tx.publisher_sigs) c.pushBytes(sig._bytes());
    return c._buf;
}

function sha3(bytes) {
    const { SHA3 } = require('sha3');
    const hash = new SHA3(256);
    hash.update(bytes);
    return hash.digest();
}

function txVector(name, build) {
    const tx = build();
    const full = fullBytes(tx);
    const baseHash = tx._base_hash();
    const publishHash = tx._publish_hash();
    return {
        name,
        sdk_json: JSON.parse(JSON.stringify(tx)),
        base_bytes_hex: Buffer.from(tx._bytes(0)).toString('hex'),
        base_hash_hex: Buffer.from(baseHash).toString('hex'),
        publish_bytes_hex: Buffer.from(tx._bytes(1)).toString('hex'),
        publish_hash_hex: Buffer.from(publishHash).toString('hex'),
        full_bytes_hex: full.toString('hex'),
        hash_hex: sha3(full).toString('hex'),
        hash_b58: IOST.Bs58.encode(sha3(full)),
        signatures_verify_in_sdk: tx.signatures.every((sig) => sig.verify(baseHash)),
        publisher_sigs_verify_in_sdk: tx.publisher_sigs.every((sig) => sig.verify(publishHash)),
        signature_lengths: tx.signatures.concat(tx.publisher_sigs).map((sig) => sig.sig.length),
    };
}

function newTx(gasRatio, gasLimit, time) {
    const tx = new IOST.Tx(gasRatio, gasLimit);
    // As the SDK's setTime does it: milliseconds × 1e6 plus the server's clock difference, 90 s to expire.
    tx.time = time;
    tx.expiration = tx.time + 90 * 1e9;
    tx.delay = 0;
    return tx;
}

const T0 = 1718000000123 * 1e6 + 4567;

const txs = [
    txVector('ed25519 publisher, one transfer with an amount limit', () => {
        const tx = newTx(1, 100000, T0);
        tx.addAction('token.iost', 'transfer', JSON.stringify(['iost', 'admin', 'bob', '1.5', 'memo']));
        tx.addApprove('iost', 1.5);
        tx.addPublishSign('admin', keyPair(ED25519, 1));
        return tx;
    }),
    txVector('secp256k1 publisher, gas ratio 2.3 truncated to 229, unicode data', () => {
        const tx = newTx(2.3, 300000, T0 + 1000);
        tx.addAction('Contract9xExample', 'hello', JSON.stringify(['héllo 世界 😀', 42, { nested: [true, null] }]));
        tx.addApprove('iost', '0.00000001');
        tx.addApprove('ram', 1000);
        tx.addPublishSign('alice', keyPair(SECP256K1, 2));
        return tx;
    }),
    txVector('signers of both algorithms, two actions, publisher with two keys, chain 1023', () => {
        const tx = newTx(1.5, 4000000, T0 + 2000);
        tx.setChainID(1023);
        tx.addSigner('bob', 'active');
        tx.addSigner('carol', 'owner');
        tx.addAction('token.iost', 'transfer', '["iost","bob","carol","10",""]');
        tx.addAction('auth.iost', 'signUp', '["dave","KEY1","KEY2"]');
        tx.addApprove('iost', 10);
        tx.addSign(keyPair(ED25519, 3));
        tx.addSign(keyPair(SECP256K1, 4));
        tx.addPublishSign('admin', keyPair(ED25519, 1));
        tx.addPublishSign('admin', keyPair(SECP256K1, 5));
        return tx;
    }),
    txVector('one action of empty strings, publisher x', () => {
        const tx = newTx(1, 1000000, T0 + 3000);
        tx.addAction('', '', '');
        tx.addPublishSign('x', keyPair(ED25519, 6));
        return tx;
    }),
];

// The SDK writes r and s without their leading zero bytes, so about one secp256k1 signature in 128 is 63 bytes
// long; IOST (and jsvm) refuse those. Find one such transaction by stepping the time.
let shortR = null;
for (let step = 0; step < 5000 && shortR === null; step++) {
    const vector = txVector('secp256k1 publisher signature the SDK wrote 63 bytes long', () => {
        const tx = newTx(1, 100000, T0 + (10 + step) * 1e6);
        tx.addAction('token.iost', 'transfer', '["iost","a","b","1",""]');
        tx.addPublishSign('a', keyPair(SECP256K1, 7));
        return tx;
    });
    if (vector.signature_lengths[0] !== 64) shortR = vector;
}
if (shortR === null) throw new Error('no short secp256k1 signature found');
txs.push(shortR);

const keys = [];
for (let i = 1; i <= 7; i++) {
    keys.push(keyVector(ED25519, i));
    keys.push(keyVector(SECP256K1, i));
}

process.stdout.write(JSON.stringify({ sdk: 'iost@0.1.22', keys, txs }, null, 1) + '\n');
