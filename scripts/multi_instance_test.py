#!/usr/bin/env python3
"""Several `sprucelink serve` instances on one PostgreSQL server, behind nginx as a round-robin proxy.

Usage: multi_instance_test.py SPRUCELINK_BINARY

Starts its own throw-away PostgreSQL cluster (so that stopping it cannot disturb other tests), two instances
at the same moment on the empty database, and nginx in front of them; then checks, over HTTP:
  1. migrations ran once and both instances serve;
  2. a new patient's whole signup-through-link journey, its requests alternating between the instances;
  3. 100 concurrent clinic connects for one pair, spread over both instances, give exactly one conversation;
     a link disabled by SQL in the database stops resolving on both instances within a few seconds;
  4. PostgreSQL stopped: /healthz reports it and requests that read the database fail with 503 (links in memory
     resolve for 5 more seconds, then fail too), the processes stay up;
     PostgreSQL started again: the instances recover without a restart.
Everything it starts is stopped and removed at the end, also on failure. Exit status 0 when all checks pass.
"""
import concurrent.futures
import html.parser
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from outbox_code import latest_code  # noqa: E402

SECRET = "multi-instance test secret, shared by every instance"
SEED_PASSWORD = "seed password 123"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Forms(html.parser.HTMLParser):
    """The forms of a page: action, method and the inputs' names and values."""

    def __init__(self, text):
        super().__init__()
        self.forms = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "method": attrs.get("method", "get"), "fields": {}})
        elif tag in ("input", "button", "textarea") and self.forms and attrs.get("name"):
            self.forms[-1]["fields"].setdefault(attrs["name"], attrs.get("value", ""))

    def find(self, action_part):
        for form in self.forms:
            if action_part in form["action"]:
                return form
        raise AssertionError(f"no form with action containing {action_part!r} in {[f['action'] for f in self.forms]}")


def check(condition, message):
    if not condition:
        raise AssertionError(message)
    print(f"ok: {message}", flush=True)


class Cluster:
    def __init__(self, root):
        bins = sorted(d for d in os.listdir("/usr/lib/postgresql") if os.path.isdir(f"/usr/lib/postgresql/{d}/bin"))
        self.bin = f"/usr/lib/postgresql/{bins[-1]}/bin"
        self.dir = os.path.join(root, "pg")
        os.makedirs(self.dir)
        os.chmod(root, 0o777)
        os.chmod(self.dir, 0o777)
        self.port = free_port()
        self.as_postgres([f"{self.bin}/initdb", "-D", f"{self.dir}/data", "-A", "trust", "-U", "postgres"])
        self.start()

    def as_postgres(self, command):
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(prefix + command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self):
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.as_postgres([f"{self.bin}/pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/log", "-w", "-o", options,
                          "start"])

    def stop(self):
        self.as_postgres([f"{self.bin}/pg_ctl", "-D", f"{self.dir}/data", "-m", "fast", "-w", "stop"])

    def sql(self, query):
        out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-tAc", query],
                             check=True, capture_output=True, text=True)
        return out.stdout.strip()

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres?sslmode=disable"


def wait_healthy(base, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if requests.get(base + "/healthz", timeout=2).status_code == 200:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.2)
    return False


def main():
    binary = os.path.abspath(sys.argv[1])
    root = tempfile.mkdtemp(prefix="sprucelink-multi-")
    processes = []
    nginx_dir = None
    cluster = None
    try:
        cluster = Cluster(root)
        proxy_port = free_port()
        ports = [free_port(), free_port()]
        env = dict(os.environ, SPRUCELINK_SECRET=SECRET, SPRUCELINK_SEED_PASSWORD=SEED_PASSWORD)
        logs = []
        for port in ports:  # both at the same moment, on the empty database
            log = open(os.path.join(root, f"serve-{port}.log"), "w")
            logs.append(log)
            processes.append(subprocess.Popen(
                [binary, "serve", "--database", cluster.url, "--host", "127.0.0.1", "--port", str(port),
                 "--public-url", f"http://127.0.0.1:{proxy_port}", "--log-format", "text", "--metrics-port", "0",
                 "--outbox", os.path.join(root, "outbox")],
                env=env, stdout=log, stderr=log))
        for port in ports:
            check(wait_healthy(f"http://127.0.0.1:{port}"), f"instance on port {port} serves")
        versions = cluster.sql("SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migrations")
        count = int(cluster.sql("SELECT count(*) FROM schema_migrations"))
        check(count == len(versions.split(",")) and versions.startswith("1,2,3"), f"migrations ran once: {versions}")
        subprocess.run([binary, "seed", "--database", cluster.url, "--fixtures", "Fixtures/clinics.json"], env=env,
                       check=True, stdout=subprocess.DEVNULL)

        nginx_dir = os.path.join(root, "nginx")
        os.makedirs(nginx_dir)
        os.chmod(nginx_dir, 0o777)
        with open(os.path.join(nginx_dir, "nginx.conf"), "w") as conf:
            conf.write(f"""
daemon off; pid {nginx_dir}/nginx.pid; error_log {nginx_dir}/error.log; worker_processes 1;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {nginx_dir}/body; proxy_temp_path {nginx_dir}/proxy; fastcgi_temp_path {nginx_dir}/fcgi;
  uwsgi_temp_path {nginx_dir}/uwsgi; scgi_temp_path {nginx_dir}/scgi;
  upstream sprucelink {{ server 127.0.0.1:{ports[0]}; server 127.0.0.1:{ports[1]}; keepalive 32; }}
  server {{
    listen 127.0.0.1:{proxy_port};
    location / {{
      proxy_pass http://sprucelink; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_set_header Host $http_host; add_header X-Upstream $upstream_addr always;
    }}
  }}
}}
""")
        processes.append(subprocess.Popen(["nginx", "-p", nginx_dir, "-c", os.path.join(nginx_dir, "nginx.conf")],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        proxy = f"http://127.0.0.1:{proxy_port}"
        check(wait_healthy(proxy), "nginx proxies to the instances")

        # 2. A new patient through a practice link, every request through the round-robin proxy.
        upstreams = []
        browser = requests.Session()

        def visit(response):
            upstreams.append(response.headers.get("X-Upstream"))
            return response

        page = visit(browser.get(proxy + "/5093318"))
        check(page.status_code == 200 and "Oak Street Pediatrics" in page.text, "profile page")
        connect = Forms(page.text).find("/connect")
        signup = visit(browser.post(urllib.parse.urljoin(proxy, connect["action"]), data=connect["fields"]))
        check(signup.status_code == 200 and "continuation" in signup.text, "connect leads to patient signup")
        form = Forms(signup.text).find("/signup")
        fields = dict(form["fields"], name="Grace Hopper", email="grace@example.com", password="patient password")
        sent = visit(browser.post(urllib.parse.urljoin(proxy, form["action"]), data=fields))
        check(sent.status_code == 200 and "We sent a code to" in sent.text, "signup asks for the emailed code")
        verify = Forms(sent.text).find("/signup/verify")
        code = latest_code(os.path.join(root, "outbox"), "grace@example.com")
        done = visit(browser.post(urllib.parse.urljoin(proxy, verify["action"]), data=dict(verify["fields"], code=code)))
        check(done.status_code == 200 and "Oak Street Pediatrics" in done.text, "verified, on the conversation")
        care = visit(browser.get(proxy + "/care"))
        check("Oak Street Pediatrics" in care.text, "the practice is in Get Care")
        check(len(set(upstreams)) == 2, f"the journey's requests alternated between instances: {upstreams}")
        check(cluster.sql("SELECT count(*) FROM conversations WHERE kind = 'secure'") == "1", "one patient conversation")

        # 3. 100 concurrent clinic connects for one pair, spread over both instances.
        members = []
        for index in range(4):
            subprocess.run([binary, "member", "add", "--database", cluster.url, "--org", "2", "--name", f"Staff {index}",
                            "--email", f"staff{index}@riverbendpt.example", "--password-stdin"],
                           input="staff password 1\n", text=True, check=True, stdout=subprocess.DEVNULL, env=env)
            session = requests.Session()
            login_page = session.get(proxy + "/login")
            login = Forms(login_page.text).find("/login")
            response = session.post(urllib.parse.urljoin(proxy, login["action"]),
                                    data=dict(login["fields"], login=f"staff{index}@riverbendpt.example",
                                              password="staff password 1"))
            check(response.status_code == 200 and "/login" not in response.url, f"staff {index} logged in")
            contacts = session.get(proxy + "/contacts")
            members.append((session, Forms(contacts.text).find("/add-clinic")))

        def add_clinic(index):
            session, form = members[index % len(members)]
            response = session.post(urllib.parse.urljoin(proxy, form["action"]),
                                    data=dict(form["fields"], link="https://spruce.care/3914805"))
            return response.status_code, response.headers.get("X-Upstream"), response.history[0].headers.get(
                "X-Upstream") if response.history else None

        with concurrent.futures.ThreadPoolExecutor(max_workers=25) as pool:
            results = list(pool.map(add_clinic, range(100)))
        statuses = sorted({status for status, _, _ in results})
        check(statuses == [200], f"every connect succeeded: {statuses}")
        served_by = {first or last for _, last, first in results}
        check(len(served_by) == 2, f"the connects were spread over both instances: {served_by}")
        pairs = cluster.sql("SELECT count(*) FROM conversations WHERE kind = 'clinic'")
        check(pairs == "1", f"exactly one clinic conversation for the pair (found {pairs})")

        # 3b. A link disabled straight in the database (as an operator would) stops resolving on both instances
        #     within the change feed's interval (1 s), though both held it in memory.
        for port in ports:
            before = requests.get(f"http://127.0.0.1:{port}/api/v1/links/2386619", timeout=10)
            check(before.status_code == 200, f"2386619 resolves on {port} ({before.status_code})")
        cluster.sql("UPDATE links SET status = 'disabled' WHERE code = '2386619'")
        deadline = time.monotonic() + 5
        statuses = {}
        while time.monotonic() < deadline:
            statuses = {port: requests.get(f"http://127.0.0.1:{port}/api/v1/links/2386619", timeout=10).status_code
                        for port in ports}
            if set(statuses.values()) == {410}:
                break
            time.sleep(0.1)
        check(set(statuses.values()) == {410}, f"the disabled link is gone from both instances within 5 s: {statuses}")

        # 4. The database goes away, then comes back. First each instance reads 6150472 once, which keeps it in
        #    memory (the instances started on an empty database, so they loaded no links at start).
        for port in ports:
            check(requests.get(f"http://127.0.0.1:{port}/api/v1/links/6150472", timeout=10).status_code == 200,
                  f"6150472 resolves on {port}")
        cluster.stop()
        time.sleep(0.5)
        for port in ports:
            base = f"http://127.0.0.1:{port}"
            health = requests.get(base + "/healthz", timeout=10)
            check(health.status_code == 503, f"/healthz on {port} reports the database down ({health.status_code})")
            api = requests.get(base + "/api/v1/links/1234567", timeout=10)
            check(api.status_code == 503, f"a request that reads the database on {port} fails with 503 ({api.status_code})")
            known = requests.get(base + "/api/v1/links/6150472", timeout=10)
            check(known.status_code == 200, f"a link in memory on {port} still resolves for a few seconds ({known.status_code})")
        # The link directory stops answering from memory when the change feed has not been read for 5 s.
        time.sleep(6.5)
        for port in ports:
            known = requests.get(f"http://127.0.0.1:{port}/api/v1/links/6150472", timeout=10)
            check(known.status_code == 503, f"after 5 s without the feed, {port} reads the database: 503 ({known.status_code})")
        check(all(process.poll() is None for process in processes), "no instance crashed")
        cluster.start()
        for port in ports:
            check(wait_healthy(f"http://127.0.0.1:{port}", timeout=30), f"instance on {port} recovered")
            api = requests.get(f"http://127.0.0.1:{port}/api/v1/links/6150472", timeout=10)
            check(api.status_code == 200, f"requests on {port} work again ({api.status_code})")
        print("all multi-instance checks passed")
        return 0
    except Exception as error:  # report, then clean up below
        print(f"FAILED: {error}", flush=True)
        for name in sorted(os.listdir(root)):
            if name.startswith("serve-"):
                print(f"--- {name} (last lines)")
                with open(os.path.join(root, name)) as log:
                    print("".join(log.readlines()[-15:]))
        return 1
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        if cluster:
            try:
                cluster.stop()
            except subprocess.CalledProcessError:
                pass
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
