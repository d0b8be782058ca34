"""A small load driver: N threads, each with its own keep-alive HTTP connection, requesting one
URL for a fixed time; latencies per request, throughput over the whole window."""
import http.client
import statistics
import threading
import time


def _percentile(sorted_values, p):
    if not sorted_values:
        return None
    k = max(0, min(len(sorted_values) - 1, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[k]


def drive(host, port, path, *, cookie=None, concurrency=8, duration=5.0, timeout=30.0):
    """Request `path` from `concurrency` clients for `duration` seconds. Returns a dict with
    requests, errors (non-200 or exceptions), rps, p50_ms, p95_ms, mean_ms."""
    headers = {"Host": host, "Accept-Language": "it"}
    if cookie:
        headers["Cookie"] = cookie
    latencies, errors, lock = [], [0], threading.Lock()
    start_gate = threading.Barrier(concurrency + 1)
    stop_at = [0.0]

    def worker():
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
        mine, bad = [], 0
        start_gate.wait()
        while True:
            t0 = time.perf_counter()
            if t0 >= stop_at[0]:
                break
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad += 1
                if response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=timeout)
            mine.append(time.perf_counter() - t0)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for t in threads:
        t.start()
    began = time.perf_counter()
    stop_at[0] = began + duration
    start_gate.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors[0],
        "seconds": round(elapsed, 2),
        "rps": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(_percentile(latencies, 50) * 1000, 1) if latencies else None,
        "p95_ms": round(_percentile(latencies, 95) * 1000, 1) if latencies else None,
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else None,
    }


def get(host, port, path, cookie=None, timeout=10.0):
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    headers = {"Host": host}
    if cookie:
        headers["Cookie"] = cookie
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()
