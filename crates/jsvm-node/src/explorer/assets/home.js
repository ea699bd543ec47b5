// Home: the chain at a glance (head, block time, a tx-per-block chart over the last blocks, the latest blocks
// and transactions), kept current by the live feed in app.js without reloading the page.
'use strict';

const CHART_BLOCKS = 30;
const LATEST_ROWS = 10;

X.home = {
    blocks: new Map(), // number → block summary {number, hash, time, tx_count, gas_usage, tx_hashes, witness}
    head: null,
};

// A block as the home page keeps it, from getBlockByNumber (complete=true, for its transaction hashes).
function summary(b) {
    return {
        number: Number(b.number),
        hash: b.hash,
        time: b.time,
        witness: b.witness,
        gas_usage: b.gas_usage,
        tx_count: Number(b.tx_count || (b.transactions || []).length),
        tx_hashes: (b.transactions || []).map((t) => t.hash),
        statuses: (b.transactions || []).map((t) => (t.tx_receipt ? t.tx_receipt.status_code : '')),
    };
}

async function loadBlock(n) {
    const { block } = await X.api('/getBlockByNumber/' + n + '/true');
    return summary(block);
}

// Fills the cache up to `head` (only what is missing), keeping the last CHART_BLOCKS blocks.
X.home.catchUp = async function catchUp(head) {
    const from = Math.max(1, head - CHART_BLOCKS + 1); // the first block is 1
    const missing = [];
    for (let n = from; n <= head; n++) if (!X.home.blocks.has(n)) missing.push(n);
    const got = await Promise.all(missing.map((n) => loadBlock(n).catch(() => null)));
    for (const b of got) if (b) X.home.blocks.set(b.number, b);
    for (const n of [...X.home.blocks.keys()]) if (n < from) X.home.blocks.delete(n);
    X.home.head = Math.max(head, X.home.head || 0);
};

// A block the live feed announced (JSVM_BLOCK's data), added without another request.
X.home.addLive = function addLive(d) {
    const b = {
        number: Number(d.number),
        hash: d.hash,
        time: d.time,
        gas_usage: d.gas_usage,
        tx_count: Number(d.tx_count),
        tx_hashes: d.tx_hashes || [],
        statuses: [],
    };
    X.home.blocks.set(b.number, b);
    X.home.head = Math.max(b.number, X.home.head || 0);
    for (const n of [...X.home.blocks.keys()]) if (n <= X.home.head - CHART_BLOCKS) X.home.blocks.delete(n);
};

// The transactions-per-block chart: one bar per block, drawn as inline SVG (no library, no network).
function chart(blocks) {
    const W = 600;
    const H = 120;
    const pad = 18;
    const max = Math.max(1, ...blocks.map((b) => b.tx_count));
    const bw = (W - pad) / CHART_BLOCKS;
    const svg = X.el('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': 'transactions per block' });
    svg.appendChild(X.el('line', { x1: pad, y1: H - pad, x2: W, y2: H - pad, class: 'axis' }));
    svg.appendChild(X.el('text', { x: 0, y: 12, class: 'label' }, String(max)));
    svg.appendChild(X.el('text', { x: 0, y: H - pad, class: 'label' }, '0'));
    blocks.forEach((b, i) => {
        const h = ((H - 2 * pad) * b.tx_count) / max;
        const bar = X.el('rect', { x: pad + i * bw + 1, y: H - pad - h, width: Math.max(1, bw - 2), height: Math.max(h, 0.5), class: 'bar' },
            X.el('title', {}, `block ${b.number}: ${b.tx_count} tx`));
        const a = X.el('svg:a', { href: '#/block/' + b.number }, bar);
        svg.appendChild(a);
    });
    if (blocks.length) {
        svg.appendChild(X.el('text', { x: pad, y: H - 2, class: 'label' }, '#' + blocks[0].number));
        // Under the newest bar: a young chain fills only the left of the chart's slots.
        svg.appendChild(X.el('text', { x: Math.max(pad + 40, pad + blocks.length * bw), y: H - 2, class: 'label end' }, '#' + blocks[blocks.length - 1].number));
    }
    return svg;
}

// The mean time between the cached blocks, in seconds.
function blockTime(blocks) {
    if (blocks.length < 2) return '—';
    const first = BigInt(blocks[0].time);
    const last = BigInt(blocks[blocks.length - 1].time);
    const ms = Number((last - first) / 1000000n) / (blocks.length - 1);
    return (ms / 1000).toFixed(2) + ' s';
}

X.home.draw = function draw(view, info) {
    const blocks = [...X.home.blocks.values()].sort((a, b) => a.number - b.number);
    const latest = blocks.slice(-LATEST_ROWS).reverse();
    const txs = [];
    for (const b of latest) {
        b.tx_hashes.forEach((h, i) => txs.push([X.txLink(h, true), X.blockLink(b.number), b.statuses[i] ? X.status(b.statuses[i]) : '']));
    }
    const head = X.home.head;
    const headBlock = X.home.blocks.get(head);
    view.replaceChildren(
        X.el('h1', {}, 'Chain'),
        X.el('div', { class: 'cards' },
            card('Head block', X.el('a', { href: '#/block/' + head, id: 'head-height' }, String(head))),
            card('Block time', blockTime(blocks)),
            card('Last block', headBlock ? X.ago(headBlock.time) : '—'),
            card('Chain id', info ? String(info.chain_id || '—') : '—')),
        X.section('Transactions per block (last ' + CHART_BLOCKS + ')', chart(blocks)),
        X.el('div', { class: 'two' },
            X.el('section', { id: 'latest-blocks' }, X.el('h2', {}, 'Latest blocks'),
                X.table(['Block', 'Hash', 'Txs', 'Time'],
                    latest.map((b) => [X.blockLink(b.number), X.link('#/block/' + b.number, X.short(b.hash), 'mono'), String(b.tx_count), X.time(b.time)]),
                    'no blocks yet')),
            X.el('section', { id: 'latest-txs' }, X.el('h2', {}, 'Latest transactions'),
                X.table(['Transaction', 'Block', 'Status'], txs.slice(0, LATEST_ROWS * 2), 'no transactions in the latest blocks'))),
    );
};

function card(label, value) {
    return X.el('div', { class: 'card' }, X.el('div', { class: 'muted' }, label), X.el('div', { class: 'big' }, value));
}

X.pages = X.pages || {};
X.pages.home = async function home(view) {
    const info = await X.api('/getChainInfo');
    X.home.info = info;
    await X.home.catchUp(Number(info.head_block));
    X.home.draw(view, info);
    // Redrawn by the live feed while this page is shown.
    X.onBlock = async (d) => {
        if (d) X.home.addLive(d);
        else await X.home.catchUp(Number((await X.api('/getChainInfo')).head_block));
        // Receipts' statuses are not in the feed: fetch the new head once for them.
        const b = X.home.blocks.get(X.home.head);
        if (b && b.tx_count && !b.statuses.length) {
            try {
                X.home.blocks.set(b.number, await loadBlock(b.number));
            } catch (e) {
                /* shown without statuses */
            }
        }
        // The page was drawn into a detached element that the router then moved: redraw into the live view.
        if (X.route.page === 'home') X.home.draw(document.getElementById('view'), X.home.info);
    };
};
