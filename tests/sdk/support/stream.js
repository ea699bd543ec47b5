// A client of `POST /subscribe`: the SDK has no subscription call, so this reads the newline-delimited JSON
// stream the way any HTTP client would (Node's fetch), one parsed line at a time, each wait bounded.
'use strict';

async function subscribe(url, request) {
    const abort = new AbortController();
    const response = await fetch(`${url}/subscribe`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(request),
        signal: abort.signal,
    });
    if (!response.ok) {
        throw new Error(`subscribe answered ${response.status}: ${await response.text()}`);
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    const lines = [];
    let pending = '';
    let ended = false;
    let reading = null; // a read that outlived its wait is kept for the next one, so no chunk is lost

    async function fill(deadline) {
        while (lines.length === 0 && !ended) {
            const left = deadline - Date.now();
            if (left <= 0) return;
            let timer;
            const timeout = new Promise((resolve) => {
                timer = setTimeout(() => resolve(null), left);
            });
            reading = reading || reader.read();
            const chunk = await Promise.race([reading, timeout]);
            clearTimeout(timer);
            if (chunk === null) return;
            reading = null;
            if (chunk.done) {
                ended = true;
                if (pending.trim()) lines.push(pending);
                return;
            }
            pending += decoder.decode(chunk.value, { stream: true });
            const parts = pending.split('\n');
            pending = parts.pop();
            lines.push(...parts.filter((p) => p.trim() !== ''));
        }
    }

    return {
        // The next message, parsed; null when none came within `ms` (or the stream ended).
        async next(ms = 10000) {
            await fill(Date.now() + ms);
            return lines.length ? JSON.parse(lines.shift()) : null;
        },
        close() {
            if (reading) reading.catch(() => {});
            abort.abort();
        },
    };
}

module.exports = { subscribe };
