// The router (every page is a bookmarkable #/ URL), the search box, and the live feed: a WebSocket
// subscription to JSVM_BLOCK that reconnects with backoff, and polling while the socket is down.
'use strict';

X.route = { page: '', seq: 0 };

// "#/block/12" → ['block', '12']; segments are URL-decoded.
function parse(hash) {
    const parts = hash.replace(/^#\/?/, '').split('/').filter((p) => p !== '').map((p) => {
        try {
            return decodeURIComponent(p);
        } catch (e) {
            return p;
        }
    });
    return parts;
}

X.go = function go(hash) {
    if (location.hash === hash) render();
    else location.hash = hash;
};

async function render() {
    const [page, ...rest] = parse(location.hash);
    const name = page || 'home';
    const view = document.getElementById('view');
    const seq = ++X.route.seq;
    X.route.page = name;
    X.onBlock = null;
    const fn = X.pages[name];
    if (!fn) {
        view.replaceChildren(X.errorBox('No such page', { message: location.hash + ' is not a page of this explorer' }));
        return;
    }
    view.replaceChildren(X.loading());
    document.title = 'jsvm explorer' + (name === 'home' ? '' : ' · ' + name + ' ' + (rest[0] || ''));
    try {
        // A page that finished after the user moved on draws into a detached element instead.
        const target = X.el('div', {});
        await fn(target, rest);
        if (seq === X.route.seq) {
            view.replaceChildren(...target.childNodes);
            // A source position the URL names (a failure's line) is scrolled into sight once the page shows.
            const hit = document.getElementById('hit-line');
            if (hit) hit.scrollIntoView({ block: 'center' });
        }
    } catch (e) {
        if (seq === X.route.seq) view.replaceChildren(X.errorBox('Something went wrong', e));
    }
}

window.addEventListener('hashchange', render);

document.getElementById('search').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = document.getElementById('search-input').value.trim();
    if (q) X.go('#/search/' + encodeURIComponent(q));
});

// --- live feed ---

const live = document.getElementById('live');
let backoff = 500;
let pollTimer = null;
let lastHead = -1;
let refused = false; // the node refused the JSVM_BLOCK subscription

function setLive(on, text) {
    live.className = 'live ' + (on ? 'on' : 'off');
    live.textContent = text;
}

async function blockArrived(data) {
    if (X.onBlock) {
        try {
            await X.onBlock(data);
        } catch (e) {
            /* the next block redraws */
        }
    }
}

// The head is also polled (one small request every 2 s), whatever the socket does: the home page still moves
// while the socket is down or on a node whose feed has no JSVM_BLOCK topic, and the badge tells the truth. A
// block the socket already announced is not drawn twice (lastHead). One timer for the page's life: restarting
// it on each reconnect attempt would keep it from ever firing.
function startPolling(ms) {
    if (pollTimer) return;
    pollTimer = setInterval(async () => {
        try {
            const info = await X.api('/getChainInfo');
            const head = Number(info.head_block);
            if (head !== lastHead) {
                lastHead = head;
                await blockArrived(null);
            }
            if (live.classList.contains('off') && live.textContent !== 'reconnecting') setLive(false, 'polling');
        } catch (e) {
            setLive(false, 'node unreachable');
        }
    }, ms);
}

function connect() {
    let ws;
    try {
        ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws');
    } catch (e) {
        startPolling(2000);
        return;
    }
    ws.onopen = () => {
        ws.send(JSON.stringify({ topics: ['JSVM_BLOCK'] }));
        backoff = 500;
        refused = false;
        setLive(true, 'live');
    };
    ws.onmessage = (m) => {
        let msg;
        try {
            msg = JSON.parse(m.data);
        } catch (e) {
            return;
        }
        // A node whose feed has no JSVM_BLOCK topic refuses the subscription: polling carries the page.
        if (msg.error) {
            refused = true;
            return;
        }
        const ev = msg.result && msg.result.event;
        if (!ev || ev.topic !== 'JSVM_BLOCK') return;
        let data;
        try {
            data = JSON.parse(ev.data);
        } catch (e) {
            data = null;
        }
        if (data) lastHead = Number(data.number);
        blockArrived(data);
    };
    ws.onclose = () => {
        setLive(false, refused ? 'polling' : 'reconnecting');
        startPolling(2000);
        // Doubling up to 30 s so a node that is down is not hammered; a refusal waits the longest.
        setTimeout(connect, refused ? 30000 : backoff);
        backoff = Math.min(backoff * 2, 30000);
    };
}

render();
connect();
