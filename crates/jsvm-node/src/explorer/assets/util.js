// Shared helpers: building DOM nodes safely, calling the node's API, and formatting its values.
// Everything the chain returns is untrusted (contract data is written by anyone), so text only ever
// reaches the page through textContent / createTextNode, never innerHTML.
'use strict';

const X = (window.X = {});

// el('div', {class: 'x', href: '#/'}, child, 'text', [more]) → an element; strings become text nodes.
X.el = function el(tag, attrs, ...children) {
    // 'svg:a' is an SVG link: an HTML <a> inside an <svg> does not render its children.
    const svg = tag === 'svg' || X.SVG_TAGS.has(tag) || tag.startsWith('svg:');
    const node = svg
        ? document.createElementNS('http://www.w3.org/2000/svg', tag.replace(/^svg:/, ''))
        : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
        if (v === undefined || v === null || v === false) continue;
        if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
        else node.setAttribute(k, String(v));
    }
    X.append(node, children);
    return node;
};
X.SVG_TAGS = new Set(['rect', 'line', 'text', 'g', 'title', 'polyline']);

X.append = function append(node, children) {
    for (const c of children.flat(Infinity)) {
        if (c === undefined || c === null || c === false) continue;
        node.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
};

// An error the API answered (HTTP status and the node's message) or a failure to reach the node at all.
class ApiError extends Error {
    constructor(status, message) {
        super(message);
        this.status = status;
    }
}
X.ApiError = ApiError;

X.TIMEOUT_MS = 10000;

// GET (body undefined) or POST a JSON API path; resolves with the parsed answer. A node that cannot be
// reached rejects with status 0, which pages show as "the node is unreachable".
X.api = async function api(path, body) {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), X.TIMEOUT_MS);
    let res;
    try {
        res = await fetch(path, {
            method: body === undefined ? 'GET' : 'POST',
            body: body === undefined ? undefined : JSON.stringify(body),
            signal: ctl.signal,
        });
    } catch (e) {
        throw new ApiError(0, 'the node is unreachable (' + (e.name === 'AbortError' ? 'no answer in time' : e.message) + ')');
    } finally {
        clearTimeout(timer);
    }
    const text = await res.text();
    let json;
    try {
        json = JSON.parse(text);
    } catch (e) {
        throw new ApiError(res.status, 'the node answered something that is not JSON: ' + text.slice(0, 200));
    }
    if (!res.ok) throw new ApiError(res.status, json.message || json.error || text);
    return json;
};

// A path segment: hashes and names are user input, so they are encoded before going into a URL.
X.seg = (s) => encodeURIComponent(String(s));

X.link = (href, text, cls) => X.el('a', { href, class: cls }, text);
X.blockLink = (n) => X.link('#/block/' + X.seg(n), '#' + n, 'mono');
X.txLink = (h, short) => X.link('#/tx/' + X.seg(h), short ? X.short(h) : h, 'mono');
X.accountLink = (a) => X.link('#/account/' + X.seg(a), a, 'mono');
X.contractLink = (c) => X.link('#/contract/' + X.seg(c), c, 'mono');
// Names containing a dot or starting with "Contract" are contracts; the rest are accounts.
X.nameLink = (n) => (/^Contract|\.iost$/.test(n) ? X.contractLink(n) : X.accountLink(n));

X.short = (h) => (h && h.length > 16 ? h.slice(0, 8) + '…' + h.slice(-6) : h);

// IOST times are nanoseconds as decimal strings.
X.time = function time(ns) {
    if (ns === undefined || ns === null || ns === '') return '—';
    const ms = Number(BigInt(String(ns)) / 1000000n);
    return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
};
X.ago = function ago(ns) {
    const s = Math.max(0, Math.round((Date.now() - Number(BigInt(String(ns)) / 1000000n)) / 1000));
    if (s < 60) return s + ' s ago';
    if (s < 3600) return Math.floor(s / 60) + ' min ago';
    return Math.floor(s / 3600) + ' h ago';
};

X.status = function status(code) {
    const ok = code === 'SUCCESS';
    return X.el('span', { class: 'status ' + (ok ? 'ok' : 'fail') }, code || 'unknown');
};

// A definition list from [label, value] pairs; values may be nodes or text.
X.fields = function fields(pairs) {
    return X.el('dl', { class: 'fields' }, pairs.filter(Boolean).map(([k, v]) => [X.el('dt', {}, k), X.el('dd', {}, v)]));
};

// A table from a header row and body rows; `empty` is shown in one row when there are none.
X.table = function table(head, rows, empty) {
    const body = rows.length
        ? rows.map((r) => X.el('tr', {}, r.map((c) => X.el('td', {}, c))))
        : [X.el('tr', {}, X.el('td', { colspan: head.length, class: 'empty' }, empty || 'none'))];
    return X.el('div', { class: 'scroll' }, X.el('table', {}, X.el('thead', {}, X.el('tr', {}, head.map((h) => X.el('th', {}, h)))), X.el('tbody', {}, body)));
};

X.section = (title, ...children) => X.el('section', {}, X.el('h2', {}, title), children);

// Text that may be JSON shown pretty-printed in a <pre>, otherwise as it is.
X.pre = function pre(text, cls) {
    let shown = text;
    try {
        const v = JSON.parse(text);
        if (typeof v === 'object' && v !== null) shown = JSON.stringify(v, null, 2);
    } catch (e) {
        /* not JSON: shown as text */
    }
    return X.el('pre', { class: cls || '' }, shown);
};

// The page-level error state: what failed, in words, with the node's message.
X.errorBox = function errorBox(title, err) {
    const unreachable = err && err.status === 0;
    return X.el('div', { class: 'error', role: 'alert' },
        X.el('h2', {}, unreachable ? 'The node is unreachable' : title),
        X.el('p', {}, err ? err.message : ''));
};

X.loading = () => X.el('p', { class: 'muted' }, 'Loading…');

// A receipt's message can name positions like "src/index.js:12:5" or "contract.js:7": each becomes a link to
// the source view at that line (`base`: the contract's page, or a deploying transaction's, whose submitted code
// the position is in), so a failure leads straight to its cause.
X.linkifyPositions = function linkifyPositions(message, base) {
    const out = [];
    const re = /([\w./@-]+\.(?:js|mjs|cjs|ts)):(\d+)(?::(\d+))?/g;
    let last = 0;
    let m;
    while ((m = re.exec(message))) {
        out.push(message.slice(last, m.index));
        if (base) {
            const href = base + '/source/' + X.seg(m[1]) + '/' + m[2];
            out.push(X.el('a', { href, class: 'pos mono' }, m[0]));
        } else {
            out.push(m[0]);
        }
        last = m.index + m[0].length;
    }
    out.push(message.slice(last));
    return out;
};

// The source position a page's URL names (`…/source/FILE/LINE`), or null.
X.sourcePosition = (what, file, line) => (what === 'source' && file ? { file, line: Number(line) || 0 } : null);

// A page's main read: its answer, or null once `view` says "No such …" (`missing`) for an unknown or malformed
// id (404, 400); any other failure is thrown to the router, which shows it.
X.found = async function found(view, path, missing) {
    try {
        return await X.api(path);
    } catch (e) {
        if (e.status === 404 || e.status === 400) {
            view.replaceChildren(X.errorBox(missing, e));
            return null;
        }
        throw e;
    }
};
