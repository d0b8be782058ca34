"""A small load driver: N threads, each with its own keep-alive HTTP connection, requesting one
URL for a fixed time; latencies per request, throughput over the whole window. And the mixed
load (`mixed`): readers of several pages while other clients post forms (drafts, assessments)."""
import http.client
import statistics
import threading
import time
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode


def _percentile(sorted_values, p):
    if not sorted_values:
        return None
    k = max(0, min(len(sorted_values) - 1, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[k]


def _drive(host, port, path, *, cookie=None, concurrency=8, duration=5.0, timeout=30.0):
    """(latencies in s, errors, elapsed s) of `concurrency` clients requesting `path` for `duration` s."""
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
    return latencies, errors[0], time.perf_counter() - began


def _summary(latencies, errors, elapsed):
    latencies = sorted(latencies)
    return {
        "requests": len(latencies),
        "errors": errors,
        "seconds": round(elapsed, 2),
        "rps": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(_percentile(latencies, 50) * 1000, 1) if latencies else None,
        "p95_ms": round(_percentile(latencies, 95) * 1000, 1) if latencies else None,
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else None,
    }


def drive(host, port, path, *, cookie=None, concurrency=8, duration=5.0, timeout=30.0):
    """Request `path` from `concurrency` clients for `duration` seconds. Returns a dict with
    requests, errors (non-200 or exceptions), rps, p50_ms, p95_ms, mean_ms."""
    return _summary(*_drive(host, port, path, cookie=cookie, concurrency=concurrency, duration=duration,
                            timeout=timeout))


def drive_paired(host, port, path, ceiling_path, *, cookie=None, concurrency=8, duration=5.0, slices=4,
                 timeout=30.0):
    """`path` and the trivial `ceiling_path` driven in turns, `slices` times each for duration/slices
    seconds, so that both meet the machine in the same state (its speed drifts over a run: other
    work, the host's neighbours). Returns (the page's run, the ceiling's run), as `drive` gives them."""
    runs = {path: [[], 0, 0.0], ceiling_path: [[], 0, 0.0]}
    for _ in range(max(1, slices)):
        for which, with_cookie in ((path, cookie), (ceiling_path, None)):
            latencies, errors, elapsed = _drive(host, port, which, cookie=with_cookie, concurrency=concurrency,
                                                duration=duration / max(1, slices), timeout=timeout)
            acc = runs[which]
            acc[0].extend(latencies)
            acc[1] += errors
            acc[2] += elapsed
    return _summary(*runs[path]), _summary(*runs[ceiling_path])


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


# The mixed load: readers of the pages behind a login while promoters save drafts and assessors submit.

class _FormFields(HTMLParser):
    """The fields of the first POST form of a page that carries `marker` (a field's name), as a
    browser would send them: text inputs and textareas with their values, checked boxes, the
    selected options; no file, no button."""

    def __init__(self, marker):
        super().__init__(convert_charrefs=True)
        self.marker, self.forms, self.current, self.select, self.textarea = marker, [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.current = []
            self.forms.append(self.current)
        elif self.current is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.current.append([a["name"], a.get("value") or ("on" if kind == "checkbox" else "")])
        elif tag == "textarea" and a.get("name"):
            self.textarea = [a["name"], ""]
            self.current.append(self.textarea)
        elif tag == "select" and a.get("name"):
            self.select = {"name": a["name"], "first": None, "chosen": []}
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in a:
                self.select["chosen"].append(value)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        elif tag == "select" and self.select is not None and self.current is not None:
            for value in self.select["chosen"] or [self.select["first"] or ""]:
                self.current.append([self.select["name"], value])
            self.select = None
        elif tag == "form":
            self.current = None

    def fields(self):
        for form in self.forms:
            if any(name == self.marker for name, _v in form):
                return [(name, value) for name, value in form]
        return None


def form_fields(html, marker="edit_revision"):
    parser = _FormFields(marker)
    parser.feed(html)
    return parser.fields()


class Browser:
    """One person's keep-alive connection with their cookies (session, CSRF, messages)."""

    def __init__(self, host, port, session=None, timeout=30.0):
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies = {"sessionid": session} if session else {}
        self.conn = http.client.HTTPConnection(host, port, timeout=timeout)

    def request(self, method, path, body=None):
        headers = {"Host": self.host, "Accept-Language": "it"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        if response.will_close:
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return response.status, response.headers, content

    def post_form(self, path, marker, changes):
        """GET the page, then POST its form back with `changes` (a dict: fields replaced or added).
        Returns the POST's status, or None when the page had no such form."""
        status, _h, content = self.request("GET", path)
        if status != 200:
            return None
        fields = form_fields(content.decode("utf-8", "replace"), marker)
        if fields is None:
            return None
        data = [(k, v) for k, v in fields if k not in changes] + list(changes.items())
        status, _h, _c = self.request("POST", path, urlencode(data))
        return status

    def close(self):
        self.conn.close()


def mixed(host, port, *, pages, drafts, submissions, readers=6, duration=5.0, timeout=60.0):
    """`readers` clients request `pages` ([{name, url, session}], round robin, each starting at
    another page) while one client per draft saves its proposal step again and again (GET the
    step, POST it: a 302 is a save) and two clients submit the assessments of `submissions`
    ([{url, session}], each once: GET the score page, POST it with "submit"), all for `duration`
    seconds. Returns per page: requests, errors, p50/p95 ms and the answers the private page cache
    gave (X-Page-Cache: hit); per kind of write: attempts, saves, errors, rate; and the hit rate."""
    lock = threading.Lock()
    reads = {p["name"]: {"latencies": [], "errors": 0, "hits": 0} for p in pages}
    writes = {kind: {"attempts": 0, "saved": 0, "errors": 0, "latencies": [], "statuses": {}}
              for kind in ("draft", "submit")}
    queue = list(submissions)
    n_submitters = min(2, len(queue))
    threads_n = readers + len(drafts) + n_submitters
    gate = threading.Barrier(threads_n + 1)
    stop_at = [0.0]

    def reader(offset):
        browsers = {p["session"]: Browser(host, port, p["session"], timeout) for p in pages}
        gate.wait()
        k = offset
        while time.perf_counter() < stop_at[0]:
            page = pages[k % len(pages)]
            k += 1
            t0 = time.perf_counter()
            try:
                status, headers, _c = browsers[page["session"]].request("GET", page["url"])
                ok, hit = status == 200, headers.get("X-Page-Cache") == "hit"
            except (OSError, http.client.HTTPException):
                ok, hit = False, False
            elapsed = time.perf_counter() - t0
            with lock:
                r = reads[page["name"]]
                r["latencies"].append(elapsed)
                r["errors"] += not ok
                r["hits"] += hit
        for b in browsers.values():
            b.close()

    def writer(kind, next_job):
        browser_of = {}
        gate.wait()
        while time.perf_counter() < stop_at[0]:
            job = next_job()
            if job is None:
                break
            url, session, marker, changes, saved_status = job
            browser = browser_of.get(session) or browser_of.setdefault(session, Browser(host, port, session, timeout))
            t0 = time.perf_counter()
            try:
                status = browser.post_form(url, marker, changes)
            except (OSError, http.client.HTTPException):
                status = None
            elapsed = time.perf_counter() - t0
            with lock:
                w = writes[kind]
                w["attempts"] += 1
                w["latencies"].append(elapsed)
                w["statuses"][str(status)] = w["statuses"].get(str(status), 0) + 1
                if status == saved_status:
                    w["saved"] += 1
                else:
                    w["errors"] += 1
        for b in browser_of.values():
            b.close()

    def draft_job(url, session):
        counter = [0]

        def job():
            counter[0] += 1
            return (url, session, "edit_revision",
                    {"social_need": f"Isolamento delle famiglie: bozza {counter[0]}.", "save": "1"}, 302)
        return job

    def submit_job():
        with lock:
            if not queue:
                return None
            s = queue.pop(0)
        return (s["url"], s["session"], "edit_revision", {"submit": "1"}, 302)

    threads = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(readers)]
    threads += [threading.Thread(target=writer, args=("draft", draft_job(d["url"], d["session"])), daemon=True)
                for d in drafts]
    threads += [threading.Thread(target=writer, args=("submit", submit_job), daemon=True)
                for _i in range(n_submitters)]
    for t in threads:
        t.start()
    began = time.perf_counter()
    stop_at[0] = began + duration
    gate.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began

    def figures(latencies):
        latencies = sorted(latencies)
        return {"p50_ms": round(_percentile(latencies, 50) * 1000, 1) if latencies else None,
                "p95_ms": round(_percentile(latencies, 95) * 1000, 1) if latencies else None}

    out_pages = {}
    for name, r in reads.items():
        n = len(r["latencies"])
        out_pages[name] = {"requests": n, "errors": r["errors"], "hits": r["hits"],
                           "rps": round(n / elapsed, 1) if elapsed else 0.0, **figures(r["latencies"])}
    out_writes = {}
    for kind, w in writes.items():
        out_writes[kind] = {"attempts": w["attempts"], "saved": w["saved"], "errors": w["errors"],
                            "statuses": w["statuses"],
                            "per_s": round(w["saved"] / elapsed, 1) if elapsed else 0.0, **figures(w["latencies"])}
    total = sum(p["requests"] for p in out_pages.values())
    hits = sum(p["hits"] for p in out_pages.values())
    return {"seconds": round(elapsed, 2), "readers": readers, "pages": out_pages, "writes": out_writes,
            "reads": total, "hits": hits, "hit_rate": round(hits / total, 3) if total else 0.0,
            "pool_left": len(queue)}
