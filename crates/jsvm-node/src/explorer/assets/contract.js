// The contract page: source (a packed bundle's module tree, each file), ABI, deployment, a paged storage
// browser, recent calls and events, and a read-only call form that dry-runs a method through execTx.
'use strict';

X.pages = X.pages || {};

// A contract's code as files: a packed bundle (`{"jsvm_bundle":1, "modules": {...}}`) gives one file per
// module, entry first; any other code is one file.
function files(code) {
    try {
        const b = JSON.parse(code);
        if (b && b.jsvm_bundle && b.modules) {
            const names = Object.keys(b.modules).sort((x, y) => (x === b.entry ? -1 : y === b.entry ? 1 : x.localeCompare(y)));
            return names.map((n) => ({ name: n, source: String(b.modules[n].source || ''), entry: n === b.entry }));
        }
    } catch (e) {
        /* plain source */
    }
    return [{ name: 'contract.js', source: code || '', entry: true }];
}

// One file with line numbers; `line` (from a failure's position) is marked and scrolled to.
function sourceView(file, line) {
    const lines = file.source.split('\n');
    const pre = X.el('pre', { class: 'source', 'data-file': file.name },
        lines.map((text, i) => X.el('span', { class: 'line' + (i + 1 === line ? ' hit' : ''), id: i + 1 === line ? 'hit-line' : null },
            X.el('span', { class: 'ln' }, String(i + 1)), text + '\n')));
    return pre;
}

// Code as files with line numbers, one shown at a time; `base` is the page the files belong to (a contract's, or
// a deploying transaction's), whose `/source/FILE/LINE` shows FILE with LINE marked.
X.sourceFiles = function sourceFiles(base, code, wanted) {
    const list = files(code);
    if (!list.length || (list.length === 1 && !list[0].source)) return X.el('p', { class: 'muted' }, 'no source (a native contract)');
    // A position names a file by its path; match its end, since messages may carry a shorter path. A single
    // file is the one any position means (messages name it after the contract id).
    const match = wanted && (list.length === 1 ? list[0]
        : list.find((f) => f.name === wanted.file || f.name.endsWith('/' + wanted.file) || wanted.file.endsWith(f.name)));
    const current = match || list[0];
    const holder = X.el('div', {}, X.el('h3', { class: 'mono' }, current.name), sourceView(current, match === current ? wanted.line : 0));
    const tree = list.length > 1
        ? X.el('ul', { class: 'tree' }, list.map((f) => X.el('li', {}, X.el('a', {
            href: base + '/source/' + X.seg(f.name) + '/0',
            class: 'mono',
        }, f.name + (f.entry ? ' (entry)' : '')))))
        : '';
    return X.el('div', { class: 'code' }, tree, holder);
};

// Storage: keys in order from /jsvm/storageKeys, a page at a time; a map key expands to its fields.
function storage(id) {
    const box = X.el('div', { id: 'storage' }, X.loading());
    const lookup = X.el('form', { class: 'inline' },
        X.el('input', { name: 'key', placeholder: 'key', required: true }),
        X.el('input', { name: 'field', placeholder: 'map field (optional)' }),
        X.el('button', { type: 'submit' }, 'Read'));
    const looked = X.el('div', {});
    lookup.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        const body = { id, key: lookup.key.value };
        if (lookup.field.value) body.field = lookup.field.value;
        try {
            const r = await X.api('/getContractStorage', body);
            looked.replaceChildren(X.pre(r.data));
        } catch (e) {
            looked.replaceChildren(X.el('p', { class: 'error' }, e.message));
        }
    });
    async function page(after, stack) {
        let r;
        try {
            r = await X.api('/jsvm/storageKeys', { id, after: after || '', limit: 50 });
        } catch (e) {
            return box.replaceChildren(X.el('p', { class: 'muted' }, e.status === 404 ? 'listing keys is not available from this node; read a key below' : e.message));
        }
        box.replaceChildren(
            X.table(['Key', 'Kind', 'Value'], (r.entries || []).map((e) => [
                X.el('code', {}, e.key), e.kind,
                e.kind === 'map' ? mapFields(id, e.key, e.fields) : X.pre(e.value === undefined ? '' : String(e.value))]), 'no storage'),
            stack.length ? X.el('button', { type: 'button', onclick: () => page(stack[stack.length - 1], stack.slice(0, -1)) }, 'Previous') : '',
            r.next ? X.el('button', { type: 'button', onclick: () => page(r.next, [...stack, after]) }, 'Next') : '');
    }
    page('', []);
    return X.el('div', {}, box, X.el('h3', {}, 'Read a key'), lookup, looked);
}

function mapFields(id, key, count) {
    const out = X.el('div', {});
    const btn = X.el('button', { type: 'button' }, 'Show ' + (count === undefined ? '' : count + ' ') + 'fields');
    btn.addEventListener('click', async () => {
        try {
            const { fields } = await X.api('/getContractStorageFields', { id, key });
            const rows = await Promise.all((fields || []).slice(0, 100).map(async (f) => [X.el('code', {}, f), X.pre((await X.api('/getContractStorage', { id, key, field: f })).data)]));
            out.replaceChildren(X.table(['Field', 'Value'], rows, 'no fields'));
        } catch (e) {
            out.replaceChildren(X.el('p', { class: 'error' }, e.message));
        }
    });
    out.appendChild(btn);
    return out;
}

// The read-only call form: an unsigned transaction posted to execTx is a dry run (nothing is committed).
function callForm(id, abis) {
    const methods = (abis || []).map((a) => a.name);
    const form = X.el('form', { id: 'call-form', class: 'stack' },
        X.el('label', {}, 'Method ', X.el('select', { name: 'method' }, methods.map((m) => X.el('option', { value: m }, m)))),
        X.el('label', {}, 'Arguments (JSON array) ', X.el('input', { name: 'args', value: '[]' })),
        X.el('label', {}, 'As account ', X.el('input', { name: 'publisher', value: 'admin' })),
        X.el('button', { type: 'submit' }, 'Call (dry run)'));
    const out = X.el('div', { id: 'call-result' });
    form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        out.replaceChildren(X.loading());
        let argList;
        try {
            argList = JSON.parse(form.args.value || '[]');
            if (!Array.isArray(argList)) throw new Error('the arguments must be a JSON array');
        } catch (e) {
            return out.replaceChildren(X.el('p', { class: 'error' }, 'Arguments: ' + e.message));
        }
        try {
            const info = await X.api('/getChainInfo');
            const now = BigInt(Date.now()) * 1000000n;
            const tx = {
                time: Number(now), expiration: Number(now + 90000000000n), gas_ratio: 1, gas_limit: 1000000, delay: 0,
                chain_id: Number(info.chain_id || 1024),
                actions: [{ contract: id, actionName: form.method.value, data: JSON.stringify(argList) }],
                signers: [], publisher: form.publisher.value, amount_limit: [], signatures: [], publisher_sigs: [], referred_tx: '',
            };
            const r = await X.api('/execTx', tx);
            out.replaceChildren(X.fields([
                ['Status', X.status(r.status_code)],
                r.message ? ['Message', X.el('span', { class: 'message' }, X.linkifyPositions(r.message, id))] : null,
                ['Returns', (r.returns || []).map((v) => X.el('code', { class: 'returns' }, v))],
                ['Gas', String(r.gas_usage)],
            ]));
        } catch (e) {
            out.replaceChildren(X.el('p', { class: 'error' }, e.message));
        }
    });
    return X.el('div', {}, form, out);
}

// Events of the contract's recent transactions, read from their receipts.
function events(id) {
    const box = X.el('div', { id: 'contract-events' }, X.loading());
    (async () => {
        try {
            const h = await X.api('/jsvm/history/contract/' + X.seg(id) + '?limit=20');
            const receipts = await Promise.all((h.items || []).map((i) => X.api('/getTxReceiptByTxHash/' + X.seg(i.tx_hash)).then((r) => [i, r], () => [i, null])));
            const rows = [];
            for (const [i, r] of receipts) {
                for (const e of (r && r.events) || []) if (!e.contract || e.contract === id) rows.push([X.txLink(i.tx_hash, true), X.blockLink(i.block_number), X.pre(e.content)]);
            }
            box.replaceChildren(X.table(['Transaction', 'Block', 'Data'], rows, 'no events in the recent transactions'));
        } catch (e) {
            box.replaceChildren(X.el('p', { class: 'muted' }, e.status === 404 ? 'history is not available from this node' : e.message));
        }
    })();
    return box;
}

X.pages.contract = async function contract(view, [id, what, file, line]) {
    const c = await X.found(view, '/getContract/' + X.seg(id) + '/true', 'No such contract');
    if (!c) return;
    const deployment = X.el('span', {}, '…');
    X.api('/jsvm/deployment/' + X.seg(id)).then(
        (d) => deployment.replaceChildren(X.txLink(d.tx_hash, true), ' in block ', X.blockLink(d.block_number), ...(d.owner ? [' by ', X.accountLink(d.owner)] : [])),
        () => deployment.replaceChildren(X.el('span', { class: 'muted' }, c.language === 'native' ? 'built in' : 'unknown')));
    view.replaceChildren(
        X.el('h1', {}, 'Contract ', X.el('span', { class: 'mono wrap' }, c.id || id)),
        X.fields([['Language', String(c.language || '—')], ['Version', String(c.version || '—')], ['Deployed by', deployment]]),
        X.section('Call a method (read-only)', callForm(id, c.abis)),
        X.section('ABI', X.table(['Method', 'Arguments', 'Amount limit'],
            (c.abis || []).map((a) => [X.el('code', {}, a.name), (a.args || []).join(', '), (a.amount_limit || []).map((l) => l.token + ': ' + l.val).join(', ')]), 'no ABI')),
        X.section('Source', X.sourceFiles('#/contract/' + X.seg(id), c.code, X.sourcePosition(what, file, line))),
        X.section('Storage', storage(id)),
        X.section('Recent calls', X.history('contract', id)),
        X.section('Recent events', events(id)),
    );
};
