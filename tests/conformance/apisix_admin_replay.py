#!/usr/bin/env python3
"""Replays the Admin API cases of APISIX's own test files against `routescope serve`.

A case is a `=== TEST` block of a Test::Nginx file (t/admin/*.t, ...) whose Lua makes exactly one
Admin API call with literal arguments (lib.test_admin's `t(path, ngx.HTTP_X, [[body]], [[pattern]])`)
and prints its answer in one of the two shapes those files use. Its expected status is the block's
`--- error_code` (200 when absent) and, when the block has one, its expected text is `--- response_body`
or `--- response_body_like`. Each file runs against a fresh engine with an empty workspace, its blocks in
order; the literal calls of blocks that are not cases are still sent, so the state the cases rely on is
there. Files that change APISIX's config.yaml for their blocks are left out.

    tests/conformance/apisix_admin_replay.py --git /path/to/apisix.git 't/admin/*.t'  # a bare clone, at HEAD
    tests/conformance/apisix_admin_replay.py --git /path/to/apisix.git 't/plugin/limit-count*.t'  # a plugin's schema
    tests/conformance/apisix_admin_replay.py --dir /path/to/apisix t/admin/routes.t

Prints each differing case and a line of totals; `--routescope` names the binary (build/bin/routescope).
"""
import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import time

KEY = "replay-key"
CALL = re.compile(r"""\bt(?:\.test)?\(\s*(['"])(/apisix/admin[^'"]*)\1\s*,\s*ngx\.HTTP_([A-Z]+)""")
CONFIG_SECTIONS = ("yaml_config", "extra_yaml_config", "main_config", "apisix_yaml", "extra_init_by_lua",
                   "extra_init_worker_by_lua", "http_config", "stream_config")


def read_file(args, name):
    if args.git:
        return subprocess.run(["git", "--git-dir", args.git, "show", "HEAD:" + name], check=True,
                              capture_output=True, text=True).stdout
    with open(os.path.join(args.dir, name), encoding="utf-8") as f:
        return f.read()


def list_files(args, patterns):
    if args.git:
        names = subprocess.run(["git", "--git-dir", args.git, "ls-tree", "-r", "--name-only", "HEAD", "t/"],
                               check=True, capture_output=True, text=True).stdout.split()
    else:
        names = [os.path.relpath(os.path.join(d, n), args.dir) for d, _, files in os.walk(os.path.join(args.dir, "t"))
                 for n in sorted(files)]
    out = []
    for p in patterns:
        rx = re.compile("^" + re.escape(p).replace(r"\*", "[^/]*") + "$")
        out += [n for n in names if rx.match(n) and n.endswith(".t") and n not in out]
    return out


def blocks(text):
    data = text.split("\n__DATA__\n", 1)
    if len(data) < 2:
        return None, []
    found = []
    for raw in re.split(r"^=== ", data[1], flags=re.M)[1:]:
        title, _, rest = raw.partition("\n")
        sections, name = {}, None
        for line in rest.split("\n"):
            m = re.match(r"^--- (\w+)(.*)$", line)
            if m:
                name, mod = m.group(1), m.group(2).strip()
                inline = mod.startswith(":")  # "--- error_code: 400"
                sections[name] = {"mod": "" if inline else mod, "text": mod[1:].strip() + "\n" if inline else ""}
            elif name:
                sections[name]["text"] += line + "\n"
        found.append((title.strip(), sections))
    return data[0], found


def lua_literal(code, i):
    """The Lua literal at code[i:] (after blanks): (value or None for nil, end index), or None."""
    while i < len(code) and code[i] in " \t\n":
        i += 1
    m = re.match(r"\[(=*)\[", code[i:])
    if m:
        close = "]" + m.group(1) + "]"
        end = code.find(close, i + len(m.group(0)))
        if end < 0:
            return None
        value = code[i + len(m.group(0)):end]
        return (value[1:] if value.startswith("\n") else value), end + len(close)
    if code.startswith("nil", i):
        return None, i + 3
    if i < len(code) and code[i] in "'\"":
        end = code.find(code[i], i + 1)
        return (code[i + 1:end], end + 1) if end > 0 else None
    return None


def parse_calls(code):
    """The block's Admin API calls: (path, method, body, pattern, literal?)."""
    calls = []
    for m in CALL.finditer(code):
        path, method, i = m.group(2), m.group(3), m.end()
        args, literal = [], True
        while True:
            while i < len(code) and code[i] in " \t\n":
                i += 1
            if i < len(code) and code[i] == ")":
                break
            if i >= len(code) or code[i] != ",":
                literal = False
                break
            got = lua_literal(code, i + 1)
            if got is None:
                literal = False
                break
            args.append(got[0])
            i = got[1]
        args += [None, None]
        calls.append((path, method, args[0], args[1], literal and len(args) <= 4))
    return calls


def com_tab(pattern, data):
    # lib/test_admin.lua's com_tab: every key of the pattern as in the answer (null: absent)
    items = pattern.items() if isinstance(pattern, dict) else enumerate(pattern)
    for k, v in items:
        got = (data.get(k) if isinstance(data, dict) else
               (data[k] if isinstance(data, list) and isinstance(k, int) and k < len(data) else None))
        if isinstance(v, (dict, list)) and got:
            if not com_tab(v, got):
                return False
        elif v != got:
            return False
    return True


class Engine:
    def __init__(self, binary):
        self.dir = tempfile.mkdtemp(prefix="replay-")
        ws = os.path.join(self.dir, "ws.json")
        with open(ws, "w") as f:  # as t/APISIX.pm configures the APISIX the tests run against
            f.write('{"apisix": {"proxy_mode": "http&stream"}}')
        env = dict(os.environ, ROUTESCOPE_ADMIN_KEY=KEY)
        self.proc = subprocess.Popen([binary, "serve", "--workspace", ws, "--proxy", "127.0.0.1:0", "--admin",
                                      "127.0.0.1:0", "--demo-upstream", "off"], env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        for line in self.proc.stdout:
            m = re.match(r"admin API\s+http://([\d.]+):(\d+)", line)
            if m:
                self.host, self.port = m.group(1), int(m.group(2))
                break
        else:
            raise RuntimeError("routescope serve printed no admin address")

    def call(self, method, path, body):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        headers = {"X-API-KEY": KEY, "Content-Type": "application/x-www-form-urlencoded"}
        conn.request(method, path, body=body.encode() if body is not None else None, headers=headers)
        res = conn.getresponse()
        out = res.status, res.read().decode("utf-8", "replace")
        conn.close()
        return out

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def expected_text(sections):
    if "response_body" in sections:
        s = sections["response_body"]
        if s["mod"] == "eval":
            return None
        return ("exact", s["text"])
    if "response_body_like" in sections:
        s = sections["response_body_like"]
        text = s["text"].strip()
        if s["mod"].startswith("eval"):
            m = re.match(r"^qr(.)(.*)\1(\w*)$", text, re.S) or re.match(r"^qr\{(.*)\}(\w*)$", text, re.S)
            if not m:
                return None
            text = m.group(m.lastindex - 1)
        return ("like", text)
    return None


def same_text(kind, want, got):
    if kind == "like":
        try:
            return re.search(want, got, re.S) is not None
        except re.error:
            return None
    if want.strip() == got.strip():
        return True
    try:
        return json.loads(want) == json.loads(got)
    except ValueError:
        return False


def replay_file(args, name, totals, report):
    preamble, found = blocks(read_file(args, name))
    if preamble is None or any(s in preamble for s in CONFIG_SECTIONS):
        report.append(f"{name}: left out (its blocks run with a config of their own)")
        return
    engine = Engine(args.routescope)
    try:
        for title, sections in found:
            code = sections.get("config", {}).get("text", "")
            calls = parse_calls(code)
            own_config = any(s in sections for s in CONFIG_SECTIONS)
            if own_config:
                continue
            case = len(calls) == 1 and calls[0][4] and not re.search(r"\b(for|while|repeat)\b|etcd|ngx\.sleep", code)
            shape = None
            if case:
                m = re.search(r"local\s+code\s*,\s*(\w+)[^=]*=\s*t", code)
                var = m.group(1) if m else None
                prints = var and re.search(rf"ngx\.(say|print)\(\s*{var}\s*\)", code)
                if re.search(r"if\s+code\s*>=\s*300\s+then\s+ngx\.status\s*=\s*code\s+end", code):
                    shape = "below300is200"
                elif re.search(r"ngx\.status\s*=\s*code", code):
                    shape = "status"
                if not prints or not shape or len(re.findall(r"ngx\.(say|print)\(", code)) != 1:
                    case = False
                else:
                    newline = prints.group(1) == "say"
            for path, method, body, pattern, literal in calls:
                if not literal:
                    continue
                status, text = engine.call(method, path, body)
                if not case:
                    continue
                printed = text
                if status < 300:
                    printed = "passed"
                    if pattern is not None:
                        try:
                            if not com_tab(json.loads(pattern), json.loads(text)):
                                status, printed = 500, "failed, the answer is not the pattern: " + text
                        except ValueError:
                            status, printed = 500, "failed, not JSON: " + text
                shown = status if shape == "status" or status >= 300 else 200
                want_text = sections["error_code"]["text"].strip() if "error_code" in sections else "200"
                if not want_text.isdigit():
                    continue  # several requests' codes (--- error_code eval): not one call's case
                want = int(want_text)
                totals["cases"] += 1
                # etcd answers 201 to a PUT that creates its key (apisix/core/etcd.lua set); APISIX's suites
                # expect 200 there because their etcd still holds the key from an earlier file.
                ok = shown == want or (method == "PUT" and want == 200 and shown == 201 and "error_code" not in sections)
                totals["status"] += ok
                line = None
                if not ok:
                    line = f"status {shown}, APISIX {want}"
                expect = expected_text(sections)
                if expect is not None:
                    same = same_text(expect[0], expect[1], printed + ("\n" if newline else ""))
                    if same is not None:
                        totals["texts"] += 1
                        totals["text"] += same
                        if not same:
                            line = (line + "; " if line else "") + f"text {printed.strip()!r}, APISIX {expect[1].strip()!r}"
                if line:
                    report.append(f"{name} {title}: {method} {path}: {line}")
    finally:
        engine.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--git", help="a bare git clone of apache/apisix (its HEAD is read)")
    where.add_argument("--dir", help="a checkout of apache/apisix")
    parser.add_argument("--routescope", default="build/bin/routescope")
    parser.add_argument("files", nargs="+", help="test files, e.g. 't/admin/*.t' (quoted: matched in the tree)")
    args = parser.parse_args()
    totals = dict(cases=0, status=0, texts=0, text=0)
    report = []
    started = time.monotonic()
    for name in list_files(args, args.files):
        replay_file(args, name, totals, report)
    print("\n".join(report))
    print(f"{totals['cases']} cases: APISIX's status in {totals['status']}, APISIX's text in {totals['text']} "
          f"of the {totals['texts']} whose text the tests check ({time.monotonic() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
