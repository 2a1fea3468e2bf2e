"""The API server's own CPU per request, as a proxy: a FastAPI app served by uvicorn (Debian's
python3-fastapi and python3-uvicorn) with a sync route shaped like the Execution API's heartbeat
(a path parameter, a bearer token, a pydantic body, 204 No Content), no database. The server's
CPU (its process's utime + stime) over many keep-alive requests, per request: routing, request
parsing and validation, the thread-pool hand-off of a sync route, the response. The route's SQL
and its ORM work are costed apart (the calibration's per-statement client cost and DB costs).
Debian's FastAPI and pydantic are older than Airflow 3's: the versions are recorded with the
figure. Run by `schedlab calibrate` with /usr/bin/python3; writes JSON to --out."""

import argparse
import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time

TOKEN = "schedlab-proxy-token"


def serve(port):
    import uvicorn
    from fastapi import FastAPI, Header, HTTPException, Response
    from pydantic import BaseModel

    app = FastAPI()

    class Heartbeat(BaseModel):
        hostname: str
        pid: int

    @app.put("/execution/task-instances/{ti_id}/heartbeat", status_code=204)
    def heartbeat(ti_id: str, body: Heartbeat, authorization: str = Header(default="")):
        if authorization != "Bearer " + TOKEN:
            raise HTTPException(status_code=403)
        return Response(status_code=204)

    @app.get("/ready")
    def ready():
        return {"ok": True}

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, workers=1)


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure(requests, rounds):
    port = free_port()
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(port)])
    try:
        conn = None
        deadline = time.time() + 30
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", "/ready")
                conn.getresponse().read()
                break
            except OSError:
                if server.poll() is not None or time.time() > deadline:
                    raise SystemExit("the proxy API server did not start")
                time.sleep(0.1)
        body = json.dumps({"hostname": "worker-1", "pid": 4242})
        headers = {"Content-Type": "application/json", "Authorization": "Bearer " + TOKEN}

        def send(n):
            for i in range(n):
                conn.request("PUT", f"/execution/task-instances/0198c5a6-{i:04x}/heartbeat", body, headers)
                r = conn.getresponse()
                r.read()
                if r.status != 204:
                    raise SystemExit(f"the proxy answered {r.status}")

        send(200)  # warm-up: imports, caches
        per_request = []
        for _ in range(rounds):
            before = cpu_seconds(server.pid)
            send(requests)
            per_request.append((cpu_seconds(server.pid) - before) / requests)
        return per_request
    finally:
        server.terminate()
        server.wait(timeout=10)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--serve", type=int)
    p.add_argument("--out")
    p.add_argument("--requests", type=int, default=2000)
    p.add_argument("--rounds", type=int, default=5)
    a = p.parse_args()
    if a.serve:
        serve(a.serve)
        return
    import fastapi
    import pydantic
    import uvicorn
    rounds = measure(a.requests, a.rounds)
    out = {"request_cost_s": round(statistics.median(rounds), 9),
           "rounds_s": [round(r, 9) for r in rounds],
           "requests_per_round": a.requests,
           "libraries": {"fastapi": fastapi.__version__, "uvicorn": uvicorn.__version__,
                         "pydantic": pydantic.VERSION, "python": platform.python_version()},
           "method": "a proxy: FastAPI sync route shaped like the Execution API heartbeat (path, bearer "
                     "token, pydantic body, 204), one uvicorn worker, no database; the server process's "
                     "CPU per keep-alive request, median of rounds"}
    with open(a.out, "w") as f:
        json.dump(out, f, indent=2)


if __name__ == "__main__":
    main()
