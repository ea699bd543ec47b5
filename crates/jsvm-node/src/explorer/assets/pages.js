// The block, transaction, account and search pages.
'use strict';

X.pages = X.pages || {};

X.pages.block = async function block(view, [id]) {
    const path = /^\d+$/.test(id) ? '/getBlockByNumber/' + id + '/true' : '/getBlockByHash/' + X.seg(id) + '/true';
    const answer = await X.found(view, path, 'No such block');
    if (!answer) return;
    const b = answer.block;
    const n = Number(b.number);
    const txs = b.transactions || [];
    view.replaceChildren(
        X.el('h1', {}, 'Block ', X.el('span', { class: 'mono' }, '#' + b.number)),
        X.el('nav', { class: 'prevnext' },
            n > 1 ? X.link('#/block/' + (n - 1), '← previous') : '',
            X.link('#/block/' + (n + 1), 'next →')),
        X.fields([
            ['Number', String(b.number)],
            ['Hash', X.el('span', { class: 'mono' }, b.hash)],
            ['Parent', b.parent_hash ? X.link('#/block/' + X.seg(b.parent_hash), b.parent_hash, 'mono') : '—'],
            ['Time', X.time(b.time)],
            ['Witness', X.el('span', { class: 'mono' }, b.witness || '—')],
            ['Gas used', String(b.gas_usage)],
            ['State root', X.el('span', { class: 'mono' }, b.state_root || '—')],
            ['Transactions', String(b.tx_count !== undefined ? b.tx_count : txs.length)],
        ]),
        X.section('Transactions',
            X.table(['Hash', 'Publisher', 'Actions', 'Status'],
                txs.map((t) => [
                    X.txLink(t.hash, true),
                    X.accountLink(t.publisher),
                    (t.actions || []).map((a) => a.contract + '.' + a.action_name).join(', '),
                    t.tx_receipt ? X.status(t.tx_receipt.status_code) : '',
                ]),
                'this block has no transactions')),
    );
};

// Decoded arguments: `data` is the JSON text of the argument array; each argument gets its own row.
function args(data) {
    let list;
    try {
        list = JSON.parse(data);
    } catch (e) {
        return X.el('pre', {}, data);
    }
    if (!Array.isArray(list)) return X.pre(data);
    if (!list.length) return X.el('span', { class: 'muted' }, 'no arguments');
    return X.el('ol', { class: 'args' }, list.map((a) => X.el('li', {}, typeof a === 'string' ? argText(a) : X.el('code', {}, JSON.stringify(a)))));
}

// A string argument that names an account or contract is a link, otherwise text.
function argText(s) {
    if (/^Contract\w{30,}$/.test(s)) return X.contractLink(s);
    return X.el('code', {}, JSON.stringify(s));
}

// The code a system.iost setCode or updateCode action submits (its argument is IOST's contract JSON
// `{"info", "code"}`); null for any other action.
function submittedCode(action) {
    if (!action || action.contract !== 'system.iost' || !/^(setCode|updateCode)$/.test(action.action_name)) return null;
    try {
        const contract = JSON.parse(JSON.parse(action.data)[0]);
        return typeof contract.code === 'string' ? contract.code : null;
    } catch (e) {
        return null;
    }
}

X.pages.tx = async function tx(view, [hash, what, file, line]) {
    const answer = await X.found(view, '/getTxByHash/' + X.seg(hash), 'No such transaction');
    if (!answer) return;
    const t = answer.transaction;
    const blockNumber = answer.block_number;
    let r = t.tx_receipt;
    if (!r) r = await X.api('/getTxReceiptByTxHash/' + X.seg(hash)).catch(() => null);
    const first = (t.actions || [])[0];
    // Positions in a failed deployment's message are in the code it submitted, shown on this page; any
    // other failure's are in the called contract's source.
    const submitted = submittedCode(first);
    const txPage = '#/tx/' + X.seg(hash);
    const positionsIn = submitted !== null ? txPage : first && first.contract ? '#/contract/' + X.seg(first.contract) : null;
    const sigs = [...(t.signatures || []).map((s) => ['signer', s]), ...(t.publisher_sigs || []).map((s) => ['publisher', s])];
    const parts = [
        X.el('h1', {}, 'Transaction'),
        X.el('p', { class: 'mono wrap' }, t.hash),
        X.fields([
            ['Status', r ? X.status(r.status_code) : 'pending'],
            r && r.message ? ['Message', X.el('span', { class: 'message', id: 'tx-message' }, X.linkifyPositions(r.message, positionsIn))] : null,
            blockNumber || (r && r.block_number) ? ['Block', X.blockLink(blockNumber || r.block_number)] : null,
            ['Publisher', X.accountLink(t.publisher)],
            ['Signers', (t.signers || []).length ? (t.signers || []).map((s) => X.el('div', { class: 'mono' }, s)) : X.el('span', { class: 'muted' }, 'none besides the publisher')],
            ['Time', X.time(t.time)],
            ['Expiration', X.time(t.expiration)],
            ['Gas ratio / limit', t.gas_ratio + ' / ' + t.gas_limit],
            ['Amount limits', (t.amount_limit || []).length ? (t.amount_limit || []).map((a) => X.el('div', {}, a.token + ': ' + a.value)) : X.el('span', { class: 'muted' }, 'none')],
        ]),
        X.section('Actions', X.table(['#', 'Contract', 'Method', 'Arguments'],
            (t.actions || []).map((a, i) => [String(i), X.nameLink(a.contract), X.el('code', {}, a.action_name), args(a.data)]), 'no actions')),
        X.section('Signatures', X.table(['Role', 'Algorithm', 'Public key', 'Signature'],
            sigs.map(([role, s]) => [role, s.algorithm, X.el('span', { class: 'mono wrap' }, s.public_key), X.el('span', { class: 'mono wrap small' }, s.signature)]),
            // IOST's getTxByHash leaves signatures out; a node that adds them has them shown.
            t.signatures || t.publisher_sigs ? 'no signatures' : 'this node does not return signatures')),
    ];
    if (r) parts.push(receipt(r));
    const log = await X.api('/jsvm/txLogs/' + X.seg(hash)).catch(() => null);
    if (log && log.lines && log.lines.length) parts.push(X.section('Node log', nodeLog(log.lines, submitted !== null ? txPage : null)));
    if (submitted !== null) parts.push(X.section('Submitted code', X.sourceFiles(txPage, submitted, X.sourcePosition(what, file, line))));
    view.replaceChildren(...parts);
};

// What the transaction wrote to the node's log when the node made its block: console output, and on a failure
// the engine's words with the frames of the author's code. Each line names its contract ("[error] ID: ..."),
// whose source its positions are in (for a deployment, the code this transaction submitted: `base`).
function nodeLog(lines, base) {
    return X.el('div', { id: 'tx-log' }, lines.map((line) => {
        const m = /^\[\w+\] ([\w.]+): /.exec(line);
        const at = base || (m ? '#/contract/' + X.seg(m[1]) : null);
        return X.el('pre', { class: 'log' }, X.linkifyPositions(line, at));
    }));
}

function receipt(r) {
    const ram = Object.entries(r.ram_usage || {});
    return X.el('section', { id: 'receipt' }, X.el('h2', {}, 'Receipt'),
        X.fields([
            ['Gas used', String(r.gas_usage)],
            ['RAM', ram.length ? ram.map(([payer, bytes]) => X.el('div', {}, X.accountLink(payer), ': ' + bytes + ' bytes')) : X.el('span', { class: 'muted' }, 'none')],
            ['Returns', (r.returns || []).length ? r.returns.map((v) => X.pre(v)) : X.el('span', { class: 'muted' }, 'none')],
        ]),
        X.el('h3', {}, 'Receipts'),
        X.table(['Function', 'Content'], (r.receipts || []).map((x) => [X.el('code', {}, x.func_name), X.pre(x.content)]), 'no receipts'),
        X.el('h3', {}, 'Events'),
        X.el('div', { id: 'events' }, X.table(['Contract', 'Data'], (r.events || []).map((e) => [X.nameLink(e.contract || ''), X.pre(e.content)]), 'no events')),
    );
}

// A page of an account's or contract's history (jsvm's /jsvm/history/...), with "older" paging.
X.history = function history(kind, id) {
    const box = X.el('div', { class: 'history' }, X.loading());
    async function load(before) {
        const q = '/jsvm/history/' + kind + '/' + X.seg(id) + '?limit=20' + (before ? '&before=' + X.seg(before) : '');
        let h;
        try {
            h = await X.api(q);
        } catch (e) {
            return box.replaceChildren(X.el('p', { class: 'muted' }, e.status === 404 ? 'history is not available from this node' : e.message));
        }
        box.replaceChildren(
            X.table(['Transaction', 'Block', 'Time', 'Actions', 'Status'], (h.items || []).map((i) => [
                X.txLink(i.tx_hash, true), X.blockLink(i.block_number), X.time(i.time),
                (i.actions || []).map((a) => a.contract + '.' + a.action_name).join(', '), X.status(i.status_code)]), 'no transactions yet'),
            h.next ? X.el('button', { type: 'button', onclick: () => load(h.next) }, 'Older') : '',
            before ? X.el('button', { type: 'button', onclick: () => load(null) }, 'Newest') : '');
    }
    load(null);
    return box;
};

X.pages.account = async function account(view, [name]) {
    const a = await X.found(view, '/getAccount/' + X.seg(name) + '/true', 'No such account');
    if (!a) return;
    // Every token the account holds: token.iost keeps them as the fields of its map TB<account>.
    let tokens = ['iost'];
    const held = await X.api('/getContractStorageFields', { id: 'token.iost', key: 'TB' + name }).catch(() => null);
    if (held && held.fields && held.fields.length) tokens = [...new Set(['iost', ...held.fields])];
    const balances = await Promise.all(tokens.map((tok) => X.api('/getTokenBalance/' + X.seg(name) + '/' + X.seg(tok) + '/true').then(
        (b) => [tok, b.balance, b.frozen_balances],
        () => [tok, tok === 'iost' ? a.balance : '?', tok === 'iost' ? a.frozen_balances : []])));
    const perms = Object.values(a.permissions || {});
    view.replaceChildren(
        X.el('h1', {}, 'Account ', X.el('span', { class: 'mono' }, a.name || name)),
        X.section('Balances', X.el('div', { id: 'balances' }, X.table(['Token', 'Balance', 'Frozen'],
            balances.map(([tok, bal, frozen]) => [tok, String(bal), (frozen || []).map((f) => f.amount).join(', ') || '0']), 'no balances'))),
        X.fields([
            ['Gas', a.gas_info ? String(a.gas_info.current_total) : '—'],
            ['RAM', a.ram_info ? a.ram_info.used + ' used of ' + a.ram_info.total : '—'],
        ]),
        X.section('Permissions', X.table(['Permission', 'Threshold', 'Keys and accounts (weight)'],
            perms.map((p) => [X.el('code', {}, p.name), String(p.threshold),
                (p.items || []).map((i) => X.el('div', { class: 'mono wrap' }, (i.is_key_pair ? 'key ' : 'account ') + i.id + (i.permission ? '@' + i.permission : '') + ' (' + i.weight + ')'))]),
            'no permissions')),
        X.section('Recent transactions', X.history('account', name)),
    );
};

// Search: a block number, a block or transaction hash, an account name or a contract id. A hash is tried
// as a transaction first, then as a block.
X.pages.search = async function search(view, [q]) {
    q = (q || '').trim();
    if (!q) return view.replaceChildren(X.errorBox('Nothing to search for', { message: 'type a block number, a hash, an account or a contract id' }));
    if (/^\d+$/.test(q)) return X.go('#/block/' + q);
    if (/^Contract\w+$|\.iost$/.test(q)) return X.go('#/contract/' + X.seg(q));
    if (/^[1-9A-HJ-NP-Za-km-z]{40,50}$/.test(q)) {
        if (await X.api('/getTxByHash/' + X.seg(q)).then(() => true, () => false)) return X.go('#/tx/' + X.seg(q));
        if (await X.api('/getBlockByHash/' + X.seg(q) + '/false').then(() => true, () => false)) return X.go('#/block/' + X.seg(q));
    }
    if (/^\w{1,64}$/.test(q) && await X.api('/getAccount/' + X.seg(q) + '/true').then(() => true, () => false)) {
        return X.go('#/account/' + X.seg(q));
    }
    view.replaceChildren(X.errorBox('Nothing found', { message: 'no block, transaction, account or contract matches "' + q + '"' }));
};
