// Messenger load client for bench/chat.sh: the real @microsoft/signalr client against /hubs/chat.
//
// node load.mjs --url http://127.0.0.1:PORT --fixture fixture.json --connections N --rates 100,250,500
//               [--duration 15] [--warmup 5] [--drain 5] [--workers 2] [--ramp 200] [--group-size 10]
//               [--server-pid PID] [--pg-pid PID] [--clk-tck 100] [--out results.json] [--deadline SECONDS]
//               [--send-timeout 10] [--connect-timeout 30] [--settle 120] [--quiet-wait 0] [--quiet-cores 0.25]
//
// The primary process forks --workers processes and gives each whole conversations (groups of 10 users from the
// fixture), so the sender of a message and all its receivers live in the same process: every receiver's latency is
// `receiveTime - sendTime` on one clock (performance.timeOrigin + performance.now()), and deliveries are counted per
// message. The workers open one WebSocket connection per user, ramping at --ramp connections/s in total; once all are
// up and the server has finished accepting them (idle again, --settle seconds at most), each load phase sends
// --rates[i] messages/s in total (each worker its share, from its users in a shuffled
// cycle, so every user sends M/N messages/s) for --duration seconds, then waits --drain seconds for the last
// deliveries. A warm-up phase at the first rate comes first and is not reported. With --quiet-wait, each measured
// phase first waits until the server is idle and other processes use under --quiet-cores.
//
// The primary samples /proc for the server (--server-pid: CPU ticks, VmRSS), PostgreSQL (--pg-pid, the postmaster:
// its own ticks and those of its children, the backends) and the client itself (primary + workers), and writes the
// results as JSON to --out. Progress goes to stderr. Everything is bounded: a fixed number of messages per phase,
// a timeout on every connect and send, and a --deadline after which the workers are killed.
import { fork } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { parseArgs } from "node:util";

const { values: opts } = parseArgs({
    options: {
        url: { type: "string" },
        fixture: { type: "string" },
        connections: { type: "string" },
        rates: { type: "string", default: "100" },
        duration: { type: "string", default: "15" },
        warmup: { type: "string", default: "5" },
        drain: { type: "string", default: "5" },
        workers: { type: "string", default: "2" },
        ramp: { type: "string", default: "200" },
        "group-size": { type: "string", default: "10" },
        "server-pid": { type: "string" },
        "pg-pid": { type: "string" },
        "clk-tck": { type: "string", default: "100" },
        "send-timeout": { type: "string", default: "10" },
        "connect-timeout": { type: "string", default: "30" },
        deadline: { type: "string" },
        "quiet-wait": { type: "string", default: "0" },
        settle: { type: "string", default: "120" },
        "quiet-cores": { type: "string", default: "0.25" },
        out: { type: "string" },
        worker: { type: "boolean", default: false },
    },
});

const now = () => performance.timeOrigin + performance.now();
const log = (msg) => process.stderr.write(`[chat-load${opts.worker ? ` w${process.env.CHAT_WORKER_INDEX}` : ""}] ${msg}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Latency histogram: 0.1 ms buckets up to 60 s, then one overflow bucket; max kept exactly.
const BUCKET_MS = 0.1;
const BUCKETS = 600_000;
class Histogram {
    constructor() { this.counts = new Uint32Array(BUCKETS + 1); this.n = 0; this.max = 0; this.sum = 0; }
    record(ms) {
        const v = ms < 0 ? 0 : ms;
        this.counts[Math.min(BUCKETS, Math.floor(v / BUCKET_MS))]++;
        this.n++; this.sum += v;
        if (v > this.max) this.max = v;
    }
    toJSON() { // sparse, for IPC
        const pairs = [];
        for (let i = 0; i <= BUCKETS; i++) if (this.counts[i]) pairs.push(i, this.counts[i]);
        return { pairs, n: this.n, max: this.max, sum: this.sum };
    }
    merge(json) {
        for (let i = 0; i < json.pairs.length; i += 2) this.counts[json.pairs[i]] += json.pairs[i + 1];
        this.n += json.n; this.sum += json.sum;
        if (json.max > this.max) this.max = json.max;
    }
    percentile(p) { // upper edge of the bucket that holds the p-th value: never under-reports
        if (this.n === 0) return null;
        const rank = Math.ceil((p / 100) * this.n);
        let seen = 0;
        for (let i = 0; i <= BUCKETS; i++) {
            seen += this.counts[i];
            if (seen >= rank) return i === BUCKETS ? this.max : Math.min(this.max, (i + 1) * BUCKET_MS);
        }
        return this.max;
    }
    summary() {
        const r = (x) => (x === null ? null : Math.round(x * 10) / 10);
        return { n: this.n, p50: r(this.percentile(50)), p95: r(this.percentile(95)), p99: r(this.percentile(99)),
            max: r(this.n ? this.max : null), mean: r(this.n ? this.sum / this.n : null) };
    }
}

if (opts.worker) await runWorker(); else await runPrimary();

// ---------------------------------------------------------------------------------------------------------------
// Worker: its own users' connections, sends and receptions.
// ---------------------------------------------------------------------------------------------------------------
async function runWorker() {
    const signalR = await import("@microsoft/signalr");
    const clients = []; // { userId, conv, connection, up }
    const errors = new Map(); // message -> count, for the report
    let phase = null; // the phase being sent or drained
    let stray = 0; // MessageCreated for no pending message (a late delivery after its phase was reported)
    let dropped = 0; // connections closed by the server or the network after they were up
    const pending = new Map(); // clientMessageId -> { t, expected, received, phase }
    const countError = (msg) => errors.set(msg, (errors.get(msg) ?? 0) + 1);
    // How late this process's event loop runs: a saturated client shows here, and its delay is in every latency.
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();

    const onMessage = (msg) => {
        if (msg.cmd === "connect") connectAll(msg).catch((e) => { log(`connect failed: ${e.stack}`); process.exit(2); });
        else if (msg.cmd === "phase") runPhase(msg).catch((e) => { log(`phase failed: ${e.stack}`); process.exit(2); });
        else if (msg.cmd === "stop") stopAll().then(() => process.exit(0));
    };
    process.on("message", onMessage);

    async function connectAll({ url, users, ramp, connectTimeout }) {
        // users: [{ id, token, conv }] in the order to connect
        const gap = 1000 / ramp;
        const started = now();
        let ok = 0, failed = 0;
        const attempts = users.map((u, i) => (async () => {
            const due = started + i * gap - now();
            if (due > 0) await sleep(due);
            const connection = new signalR.HubConnectionBuilder()
                .withUrl(`${url}/hubs/chat`, {
                    accessTokenFactory: () => u.token,
                    transport: signalR.HttpTransportType.WebSockets,
                    skipNegotiation: true,
                })
                .configureLogging(signalR.LogLevel.None)
                .build();
            const client = { userId: u.id, conv: u.conv, connection, up: false };
            connection.on("MessageCreated", (dto) => received(dto));
            // Events the benchmark does not measure; handlers keep the client from logging each one.
            for (const name of ["MessageUpdated", "MessageDeleted", "ReactionsChanged", "Typing", "ReadUpTo",
                "PresenceChanged", "ConversationChanged"]) connection.on(name, () => {});
            connection.onclose((err) => {
                if (client.up && !stopping) { dropped++; countError(`connection closed: ${err?.message ?? "no error"}`); }
                client.up = false;
            });
            let timer;
            try {
                await Promise.race([connection.start(), new Promise((_, reject) => {
                    timer = setTimeout(() => reject(new Error(`connect timed out after ${connectTimeout} s`)), connectTimeout * 1000);
                })]);
                client.up = true; ok++;
            } catch (e) {
                failed++; countError(`connect: ${e.message}`);
                connection.stop().catch(() => {});
            } finally { clearTimeout(timer); }
            clients.push(client);
        })());
        await Promise.all(attempts);
        process.send({ type: "connected", ok, failed, seconds: (now() - started) / 1000, errors: [...errors] });
        errors.clear();
    }

    function received(dto) {
        const t1 = now();
        const entry = pending.get(dto?.clientMessageId);
        if (!entry) { stray++; return; }
        entry.received++;
        const m = /t=([0-9.]+)/.exec(dto.text ?? "");
        const t0 = m ? Number(m[1]) : entry.t;
        entry.phase.latency.record(t1 - t0);
    }

    async function runPhase({ name, rate, duration, drain, sendTimeout }) {
        const byConv = new Map();
        for (const c of clients) {
            if (!byConv.has(c.conv.id)) byConv.set(c.conv.id, []);
            byConv.get(c.conv.id).push(c);
        }
        const senders = clients.slice();
        for (let i = senders.length - 1; i > 0; i--) { // shuffled once per phase, then cycled
            const j = Math.floor(Math.random() * (i + 1));
            [senders[i], senders[j]] = [senders[j], senders[i]];
        }
        const p = phase = { name, latency: new Histogram(), ack: new Histogram(), attempted: 0, acked: 0, sendErrors: 0,
            timeouts: 0, skipped: 0, expected: 0, entries: [] };
        let total = Math.round(rate * duration);
        const droppedBefore = dropped, strayBefore = stray;
        loopDelay.reset();
        const inflight = new Set();
        let next = 0;
        if (senders.length === 0) total = 0;
        const start = now();
        const sendOne = () => {
            // The next sender whose connection is up; a user whose connection is down is skipped (and counted).
            let client;
            for (let k = 0; k < senders.length; k++) {
                const c = senders[next++ % senders.length];
                if (c.up) { client = c; break; }
                p.skipped++;
            }
            if (!client) return;
            const cmid = randomUUID();
            const t = now();
            const entry = { t, expected: 0, received: 0, phase: p, acked: false };
            pending.set(cmid, entry);
            p.entries.push(cmid);
            p.attempted++;
            let timer;
            const done = client.connection
                .invoke("Send", client.conv.id, cmid, `bench t=${t.toFixed(3)}`, null, null)
                .then(() => {
                    entry.acked = true;
                    // Every member's connection that is up gets MessageCreated, the sender's own included.
                    entry.expected = byConv.get(client.conv.id).filter((c) => c.up).length;
                    p.acked++; p.ack.record(now() - t);
                }, (e) => { p.sendErrors++; countError(`send: ${e.message}`); });
            const timeout = new Promise((resolve) => {
                timer = setTimeout(() => { p.timeouts++; countError(`send: no answer within ${sendTimeout} s`); resolve(); },
                    sendTimeout * 1000);
            });
            const settled = Promise.race([done, timeout]).finally(() => { clearTimeout(timer); inflight.delete(settled); });
            inflight.add(settled);
        };
        while (p.attempted + p.skipped < total && !stopping) {
            const elapsed = (now() - start) / 1000;
            if (elapsed >= duration + 2) break; // hopelessly behind: the client is saturated, stop rather than overrun
            const due = Math.min(total, Math.floor(elapsed * rate));
            while (p.attempted + p.skipped < due) sendOne();
            await sleep(2);
        }
        const sendSeconds = (now() - start) / 1000;
        // The histogram holds the time between 10 ms timer ticks: the delay is what exceeds 10 ms.
        const loop = { p99: Math.max(0, loopDelay.percentile(99) / 1e6 - 10), max: Math.max(0, loopDelay.max / 1e6 - 10) };
        process.send({ type: "sent", name });
        await Promise.all([...inflight]);
        // Deliveries still on their way: wait for the expected count, --drain seconds at most.
        const drainUntil = now() + drain * 1000;
        const missing = () => p.entries.reduce((s, id) => { const e = pending.get(id); return s + Math.max(0, e.expected - e.received); }, 0);
        while (now() < drainUntil && missing() > 0) await sleep(50);
        let expected = 0, deliveries = 0, extra = 0, late = 0, short = 0;
        for (const id of p.entries) {
            const e = pending.get(id);
            pending.delete(id);
            if (!e.acked) { deliveries += e.received; late += e.received; continue; } // stored, but answered after the send timeout
            expected += e.expected;
            deliveries += e.received;
            if (e.received < e.expected) short++;
            if (e.received > e.expected) extra += e.received - e.expected;
        }
        phase = null;
        process.send({
            type: "phaseResult", name, sendSeconds, attempted: p.attempted, acked: p.acked, sendErrors: p.sendErrors,
            timeouts: p.timeouts, skipped: p.skipped, expected, deliveries, extra, late, messagesShort: short,
            dropped: dropped - droppedBefore, stray: stray - strayBefore, connectedNow: clients.filter((c) => c.up).length,
            latency: p.latency.toJSON(), ack: p.ack.toJSON(), loop, errors: [...errors],
        });
        errors.clear();
    }

    let stopping = false;
    async function stopAll() {
        stopping = true;
        await Promise.race([Promise.all(clients.map((c) => c.connection.stop().catch(() => {}))), sleep(15000)]);
    }

    process.send({ type: "ready" });
}

// ---------------------------------------------------------------------------------------------------------------
// Primary: the fixture, the workers, the phases, /proc sampling, the results.
// ---------------------------------------------------------------------------------------------------------------
async function runPrimary() {
    for (const k of ["url", "fixture", "connections"]) if (!opts[k]) { log(`--${k} is required`); process.exit(64); }
    const n = Number(opts.connections);
    const groupSize = Number(opts["group-size"]);
    const rates = opts.rates.split(/[ ,]+/).filter(Boolean).map(Number);
    const duration = Number(opts.duration), warmup = Number(opts.warmup), drain = Number(opts.drain);
    const workerCount = Math.max(1, Number(opts.workers));
    const ramp = Number(opts.ramp);
    const clkTck = Number(opts["clk-tck"]);
    const sendTimeout = Number(opts["send-timeout"]), connectTimeout = Number(opts["connect-timeout"]);
    const serverPid = opts["server-pid"] ? Number(opts["server-pid"]) : null;
    const pgPid = opts["pg-pid"] ? Number(opts["pg-pid"]) : null;
    if (n % groupSize !== 0) { log(`--connections must be a multiple of the group size (${groupSize})`); process.exit(64); }

    // Hard deadline: ramp + phases + drains + stopping, with room to spare, unless given.
    const quietWait = Number(opts["quiet-wait"]), quietCores = Number(opts["quiet-cores"]);
    const planned = n / ramp + connectTimeout + Number(opts.settle) + (warmup > 0 ? warmup + drain : 0) + rates.length * (duration + drain + 5 + quietWait) + 30;
    const deadline = Number(opts.deadline ?? Math.ceil(planned * 1.5 + 30));
    const workers = [];
    const killAll = () => { for (const w of workers) try { w.kill("SIGKILL"); } catch { /* gone */ } };
    const deadlineTimer = setTimeout(() => {
        log(`deadline of ${deadline} s reached; killing the workers`);
        killAll(); process.exit(3);
    }, deadline * 1000);
    deadlineTimer.unref();
    process.on("SIGTERM", () => { killAll(); process.exit(143); });
    process.on("SIGINT", () => { killAll(); process.exit(130); });

    // The fixture: the first N/groupSize conversations and their members.
    const fixture = JSON.parse(readFileSync(opts.fixture, "utf8"));
    const tokens = new Map(fixture.users.map((u) => [u.id, u.token]));
    const convs = fixture.conversations.slice(0, n / groupSize);
    if (convs.length * groupSize !== n) { log(`the fixture has ${fixture.conversations.length} conversations; ${n / groupSize} needed`); process.exit(64); }
    for (const c of convs) {
        if (c.memberIds.length !== groupSize) { log(`conversation ${c.id} has ${c.memberIds.length} members, not ${groupSize}`); process.exit(64); }
        for (const m of c.memberIds) if (!tokens.has(m)) { log(`member ${m} of ${c.id} has no token in the fixture`); process.exit(64); }
    }

    // /proc sampling.
    const ticksOf = (pid) => {
        try {
            const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
            const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields from 3 (state) on
            return { ticks: Number(f[11]) + Number(f[12]), ppid: Number(f[1]) };
        } catch { return null; }
    };
    const treeTicks = (root) => { // root and its direct children (PostgreSQL backends are the postmaster's children)
        let total = ticksOf(root)?.ticks ?? 0;
        for (const d of readdirSync("/proc")) {
            if (!/^\d+$/.test(d)) continue;
            const s = ticksOf(d);
            if (s && s.ppid === root) total += s.ticks;
        }
        return total;
    };
    const rssMb = (pid) => {
        try { return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024; } catch { return null; }
    };
    const machineTicks = () => {
        const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
        return { busy: f[0] + f[1] + f[2] + f[5] + f[6], total: f.slice(0, 8).reduce((a, b) => a + b, 0) };
    };
    const ncpu = (await import("node:os")).availableParallelism();
    const snapshot = () => ({
        t: now(),
        server: serverPid ? ticksOf(serverPid)?.ticks ?? null : null,
        pg: pgPid ? treeTicks(pgPid) : null,
        client: [process.pid, ...workers.map((w) => w.pid)].reduce((s, pid) => s + (ticksOf(pid)?.ticks ?? 0), 0),
        perWorker: workers.map((w) => ticksOf(w.pid)?.ticks ?? 0),
        machine: machineTicks(),
    });
    const cores = (a, b, key) => (a[key] === null || b[key] === null ? null
        : Math.round(((b[key] - a[key]) / clkTck / ((b.t - a.t) / 1000)) * 100) / 100);
    const cpuBetween = (a, b) => ({
        serverCores: cores(a, b, "server"), pgCores: cores(a, b, "pg"), clientCores: cores(a, b, "client"),
        busiestWorkerCores: Math.max(...b.perWorker.map((x, i) => Math.round(((x - a.perWorker[i]) / clkTck / ((b.t - a.t) / 1000)) * 100) / 100)),
        machineCores: Math.round((ncpu * (b.machine.busy - a.machine.busy) / Math.max(1, b.machine.total - a.machine.total)) * 100) / 100,
    });

    // Workers: whole conversations each, round-robin.
    const self = new URL(import.meta.url).pathname;
    const inbox = workers.map(() => []);
    const waiters = [];
    const messagesOf = (type) => new Promise((resolve) => {
        const check = () => {
            const got = workers.map((_, i) => inbox[i].findIndex((m) => m.type === type));
            if (got.every((j) => j >= 0)) { resolve(got.map((j, i) => inbox[i].splice(j, 1)[0])); return true; }
            return false;
        };
        if (!check()) waiters.push(check);
    });
    for (let i = 0; i < workerCount; i++) {
        const w = fork(self, ["--worker"], { env: { ...process.env, CHAT_WORKER_INDEX: String(i) }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
        workers.push(w);
        inbox.push([]);
        w.on("message", (m) => { inbox[i].push(m); for (let k = waiters.length - 1; k >= 0; k--) if (waiters[k]()) waiters.splice(k, 1); });
        w.on("exit", (code, signal) => {
            if (!stopped) { log(`worker ${i} exited (${code ?? signal}) before the end`); killAll(); process.exit(2); }
        });
    }
    let stopped = false;
    await messagesOf("ready");
    const share = workers.map(() => []);
    convs.forEach((c, i) => { for (const m of c.memberIds) share[i % workerCount].push({ id: m, token: tokens.get(m), conv: { id: c.id } }); });

    const result = { connections: n, groupSize, workers: workerCount, ramp, duration, warmup, drain, phases: [] };
    result.serverRssBeforeMb = serverPid ? rssMb(serverPid) : null;
    log(`connecting ${n} users (${convs.length} conversations) at ${ramp}/s over ${workerCount} worker(s)`);
    const c0 = snapshot();
    workers.forEach((w, i) => w.send({ cmd: "connect", url: opts.url.replace(/\/$/, ""), users: share[i], ramp: ramp / workerCount, connectTimeout }));
    const connected = await messagesOf("connected");
    const c1 = snapshot();
    result.connect = {
        ok: connected.reduce((s, m) => s + m.ok, 0), failed: connected.reduce((s, m) => s + m.failed, 0),
        seconds: Math.max(...connected.map((m) => m.seconds)), cpu: cpuBetween(c0, c1),
        errors: Object.entries(connected.flatMap((m) => m.errors).reduce((acc, [k, v]) => ({ ...acc, [k]: (acc[k] ?? 0) + v }), {})),
    };
    log(`connected ${result.connect.ok}/${n} (${result.connect.failed} failed) in ${result.connect.seconds.toFixed(1)} s`);
    // A connection is up for the client once the handshake is answered; the server then runs OnConnectedAsync (presence:
    // a row per connection, contacts told), and the connection's first calls wait behind it. Wait until the server is
    // idle again (under 0.1 of a core for 2 s, --settle seconds at most) before measuring memory and sending.
    const settleStart = now();
    while (serverPid && now() - settleStart < Number(opts.settle) * 1000) {
        const a = snapshot(); await sleep(2000);
        if ((cpuBetween(a, snapshot()).serverCores ?? 0) < 0.1) break;
    }
    result.connect.settleSeconds = Math.round((now() - settleStart) / 100) / 10;
    const c2 = snapshot();
    result.connect.cpuUntilSettled = cpuBetween(c0, c2);
    result.connect.serverCpuSeconds = serverPid ? Math.round((c2.server - c0.server) / clkTck * 10) / 10 : null;
    log(`the server was idle again ${result.connect.settleSeconds} s after the last connection`);
    result.serverRssConnectedMb = serverPid ? rssMb(serverPid) : null;
    if (serverPid && result.connect.ok > 0) {
        result.kbPerConnection = Math.round(((result.serverRssConnectedMb - result.serverRssBeforeMb) * 1024) / result.connect.ok * 10) / 10;
    }

    // The machine is shared: before a measured phase, wait (up to --quiet-wait seconds) until the processes that are
    // not ours (server, PostgreSQL, this client) use less than --quiet-cores, and record what they used during it.
    const othersCores = (u) => Math.max(0, u.machineCores - (u.serverCores ?? 0) - (u.pgCores ?? 0) - (u.clientCores ?? 0));
    const waitForQuiet = async () => {
        const until = now() + quietWait * 1000;
        let busy;
        do {
            const a = snapshot(); await sleep(2000);
            const u = cpuBetween(a, snapshot());
            busy = othersCores(u);
            // The server too: a row that overloaded it leaves a queue of sends behind.
            if (busy < quietCores && (u.serverCores ?? 0) < 0.2) {
                return { waitedS: Math.round((now() - until) / 1000 + quietWait), othersBefore: Math.round(busy * 100) / 100 };
            }
            log(`other processes use ${busy.toFixed(2)} cores, the server ${u.serverCores}; waiting for a quiet machine`);
        } while (now() < until);
        return { waitedS: quietWait, othersBefore: Math.round(busy * 100) / 100 };
    };

    const phases = [...(warmup > 0 ? [{ name: "warmup", rate: rates[0], duration: warmup }] : []),
        ...rates.map((rate) => ({ name: `rate-${rate}`, rate, duration }))];
    for (const ph of phases) {
        log(`${ph.name}: ${ph.rate} messages/s for ${ph.duration} s`);
        const quiet = ph.name !== "warmup" && quietWait > 0 ? await waitForQuiet() : null;
        let peakRss = 0;
        const sampler = setInterval(() => { const r = serverPid ? rssMb(serverPid) : null; if (r && r > peakRss) peakRss = r; }, 250);
        const s0 = snapshot();
        workers.forEach((w, i) => w.send({ cmd: "phase", name: ph.name, rate: ph.rate * share[i].length / n, duration: ph.duration, drain, sendTimeout }));
        await messagesOf("sent");
        const s1 = snapshot();
        const res = await messagesOf("phaseResult");
        clearInterval(sampler);
        const latency = new Histogram(), ack = new Histogram();
        res.forEach((r) => { latency.merge(r.latency); ack.merge(r.ack); });
        const sum = (k) => res.reduce((s, r) => s + r[k], 0);
        const errors = Object.entries(res.flatMap((r) => r.errors).reduce((acc, [k, v]) => ({ ...acc, [k]: (acc[k] ?? 0) + v }), {}));
        const phase = {
            name: ph.name, rate: ph.rate, duration: ph.duration, sendSeconds: Math.max(...res.map((r) => r.sendSeconds)),
            attempted: sum("attempted"), acked: sum("acked"), sendErrors: sum("sendErrors"), timeouts: sum("timeouts"),
            skipped: sum("skipped"), expected: sum("expected"), deliveries: sum("deliveries"), extra: sum("extra"), late: sum("late"),
            messagesShort: sum("messagesShort"), dropped: sum("dropped"), stray: sum("stray"), connectedAtEnd: sum("connectedNow"),
            latency: latency.summary(), ack: ack.summary(), cpu: cpuBetween(s0, s1),
            clientLoopDelayMs: { p99: Math.round(Math.max(...res.map((r) => r.loop.p99)) * 10) / 10, max: Math.round(Math.max(...res.map((r) => r.loop.max)) * 10) / 10 },
            serverRssPeakMb: serverPid ? Math.round(peakRss) : null, serverRssEndMb: serverPid ? Math.round(rssMb(serverPid)) : null,
            errors, quiet,
        };
        phase.cpu.othersCores = Math.round(othersCores(phase.cpu) * 100) / 100;
        phase.achievedRate = Math.round(phase.attempted / phase.sendSeconds * 10) / 10;
        phase.errorCount = phase.sendErrors + phase.timeouts + phase.dropped + phase.skipped;
        phase.meetsTarget = result.connect.failed === 0 && result.connect.ok === n && phase.errorCount === 0
            && phase.deliveries === phase.expected && phase.extra === 0 && phase.expected === phase.attempted * groupSize
            && phase.latency.p99 !== null && phase.latency.p99 < 100;
        const l = phase.latency;
        log(`${ph.name}: sent ${phase.attempted} (${phase.achievedRate}/s), acked ${phase.acked}, delivered ${phase.deliveries}/${phase.expected}, ` +
            `p50 ${l.p50} p95 ${l.p95} p99 ${l.p99} max ${l.max} ms, errors ${phase.errorCount}, server ${phase.cpu.serverCores} cores, ` +
            `postgres ${phase.cpu.pgCores}, client ${phase.cpu.clientCores} (busiest worker ${phase.cpu.busiestWorkerCores}, ` +
            `event-loop delay p99 ${phase.clientLoopDelayMs.p99} ms), others ${phase.cpu.othersCores}, machine ${phase.cpu.machineCores}`);
        for (const [k, v] of errors) log(`  ${v} × ${k}`);
        if (ph.name !== "warmup") result.phases.push(phase); else result.warmupSent = phase.attempted;
    }

    stopped = true;
    log("closing the connections");
    workers.forEach((w) => w.send({ cmd: "stop" }));
    await Promise.race([Promise.all(workers.map((w) => new Promise((resolve) => w.exitCode !== null ? resolve() : w.on("exit", resolve)))), sleep(20000)]);
    killAll();
    const json = JSON.stringify(result, null, 2);
    if (opts.out) writeFileSync(opts.out, json); else process.stdout.write(json + "\n");
    clearTimeout(deadlineTimer);
    process.exit(0);
}
