#!/usr/bin/env python3
"""Save/load latency of the patches API for one large patch (bench/studio-api.sh).

Usage: load.py BASE_URL TOKEN NODES N CONCURRENCY
Creates a valid patch of NODES nodes (oscillator -> gain pairs into one output), warms the server up with 300 loads and
saves, then times N sequential GETs and
N sequential PUTs (each a checkpoint from the current version), then N GETs and N PUTs spread over CONCURRENCY
threads (each thread its own keep-alive connection; PUTs without baseVersion so they do not conflict). Prints one
JSON object with the latencies in milliseconds per phase.
"""
import http.client, json, sys, threading, time, urllib.parse

base, token, nodes, n, concurrency = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
WARMUP = 300
url = urllib.parse.urlparse(base)
headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}


def patch(count, salt):
    ns = [{"id": "out", "type": "core.output", "x": 0, "y": 0}]
    es = []
    for i in range(1, count):
        osc = i % 2 == 1
        ns.append({"id": f"n{i}", "type": "core.oscillator" if osc else "core.gain", "x": i * 10 + salt, "y": i % 40 * 20,
                   "params": {"frequency": 100 + i, "waveform": "sawtooth"} if osc else {"gain": 0.5}})
        if not osc:
            es.append({"id": f"e{i}a", "from": {"node": f"n{i-1}", "port": "out"}, "to": {"node": f"n{i}", "port": "in"}})
            es.append({"id": f"e{i}b", "from": {"node": f"n{i}", "port": "out"}, "to": {"node": "out", "port": "in"}})
    return {"format": "atelier.patch", "version": 1, "nodes": ns, "edges": es,
            "controls": [{"node": "n1", "param": "frequency", "label": "Pitch"}], "viewport": {"x": 0, "y": 0, "zoom": 1}}


def connect():
    return http.client.HTTPConnection(url.hostname, url.port, timeout=30)


def call(conn, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    start = time.perf_counter()
    conn.request(method, path, body=data, headers=headers)
    response = conn.getresponse()
    payload = response.read()
    elapsed = (time.perf_counter() - start) * 1000
    if response.status >= 300:
        raise SystemExit(f"{method} {path}: {response.status} {payload[:300]!r}")
    return elapsed, payload


conn = connect()
_, created = call(conn, "POST", "/api/v1/patches", {"name": "Benchmark patch", "document": patch(nodes, 0)})
created = json.loads(created)
pid, version = created["id"], created["version"]
size = len(json.dumps(patch(nodes, 0)))
results = {"nodes": created["nodeCount"], "document_bytes": size}

# Warm-up: connection pools, query plans and the JIT. .NET compiles a method quickly first and again, optimised, after
# it has run 30 times (tiered compilation, twice with profile-guided optimisation), in the background; a few hundred
# requests bring the server to the state it is in after running for a while, which is what the table measures.
for i in range(WARMUP):
    call(conn, "GET", f"/api/v1/patches/{pid}")
    call(conn, "PUT", f"/api/v1/patches/{pid}", {"name": "Benchmark patch", "document": patch(nodes, 1), "checkpoint": i % 2 == 0})

get, put = [], []
for i in range(n):
    get.append(call(conn, "GET", f"/api/v1/patches/{pid}")[0])
for i in range(n):
    current = json.loads(call(conn, "GET", f"/api/v1/patches/{pid}")[1])["version"]
    doc = patch(nodes, i)
    put.append(call(conn, "PUT", f"/api/v1/patches/{pid}", {"name": "Benchmark patch", "document": doc, "baseVersion": current})[0])
results["sequential_get"], results["sequential_put"] = get, put

cget, cput, lock = [], [], threading.Lock()


def worker(k):
    c = connect()
    mine_get, mine_put = [], []
    for i in range(n // concurrency):
        mine_get.append(call(c, "GET", f"/api/v1/patches/{pid}")[0])
        mine_put.append(call(c, "PUT", f"/api/v1/patches/{pid}", {"name": "Benchmark patch", "document": patch(nodes, k * 1000 + i), "checkpoint": False})[0])
    with lock:
        cget.extend(mine_get)
        cput.extend(mine_put)


threads = [threading.Thread(target=worker, args=(k,)) for k in range(concurrency)]
start = time.perf_counter()
for t in threads:
    t.start()
for t in threads:
    t.join()
results["concurrent_seconds"] = time.perf_counter() - start
results["concurrent_get"], results["concurrent_put"] = cget, cput
print(json.dumps(results))
