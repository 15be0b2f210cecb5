#!/usr/bin/env python3
"""A simulated Spruce app, driven by Tests/SpruceServerTests/AppJourneyTests against a live server.

It plays both sides a phone sees: the browser (a phone User-Agent opening a practice link and tapping
Get the App & Connect) and, after the "install", the app itself on /api/app/v1 with a bearer token and no
cookies. Each journey checks what it sees and prints one JSON line of results; any failed check exits 1 with
one line on stderr.

Signup is verified as on the web: the app gets a ticket, the person reads the code from their email (here, the
server's outbox: JSON argument "outbox") and the app sends it with the ticket.

usage: app_client.py BASE_URL ios|android|invited|abuse [JSON_ARGUMENTS]
"""
import http.client
import json
import random
import re
import sys
import threading
import urllib.parse

import requests

from outbox_code import latest_code

IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Mobile/15E148")
ANDROID = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/124.0 Mobile Safari/537.36"
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def check(condition, message):
    if not condition:
        print(f"app_client: {message}", file=sys.stderr)
        sys.exit(1)


class App:
    """The app: JSON over HTTP, a bearer token once logged in, never a cookie."""

    def __init__(self, base):
        self.base = base
        self.http = requests.Session()
        self.token = None

    def call(self, method, path, body=None):
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        response = self.http.request(method, self.base + "/api/app/v1" + path, json=body, headers=headers)
        check(not response.cookies, f"{path} set a cookie: {response.headers.get('set-cookie')}")
        self.http.cookies.clear()
        return response

    def claim(self, **secret):
        return self.call("POST", "/handoffs/claim", secret)


def phone_handoff(base, code, agent):
    """Opens a practice link on a phone, taps Get the App & Connect, and returns the handoff page."""
    browser = requests.Session()
    browser.headers["User-Agent"] = agent
    page = browser.get(f"{base}/{code}")
    check(page.status_code == 200, f"profile page: {page.status_code}")
    check("Get the App &amp; Connect" in page.text, "the phone page has no Get the App & Connect")
    check('id="open-app">Open in the app</a>' in page.text, "the phone page has no Open in the app")
    check("Continue in the browser" in page.text, "the phone page has no Continue in the browser")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    handoff = browser.post(f"{base}/{code}/app", data={"csrf_token": csrf})
    check(handoff.status_code == 200, f"Get the App & Connect: {handoff.status_code}")
    return handoff.text


def shown_code(html):
    match = re.search(r'id="connect-code">([2-9A-Z]{4}-[2-9A-Z]{4})<', html)
    check(match is not None, "the handoff page shows no connect code")
    return match.group(1)


def ios(base, args):
    html = phone_handoff(base, args["code"], IPHONE)
    code = shown_code(html)
    check("If the app asks, enter this code" in html, "the code is not explained")
    check("apps.apple.com" in html and "play.google.com" not in html, "an iPhone gets the App Store link only")
    # The app, installed from an App Store search: no referrer, the person types the code (any case, no dash).
    app = App(base)
    typed = code.replace("-", "").lower()
    claim = app.claim(code=typed)
    check(claim.status_code == 200, f"claim by code: {claim.status_code} {claim.text}")
    claimed = claim.json()
    check(claimed["profile"]["displayName"] == args["practice"], f"claimed practice: {claimed['profile']}")
    again = app.claim(code=code)
    check(again.status_code == 409, f"second claim: {again.status_code}")
    check(again.headers["content-type"].startswith("application/problem+json"), "second claim is not problem+json")
    check(again.json()["type"].endswith("handoff-claimed"), f"second claim type: {again.json()}")
    signup = app.call("POST", "/signup", {
        "name": args["name"], "email": args["email"], "password": "patient password 1",
        "continuation": claimed["continuation"]})
    check(signup.status_code == 202, f"app signup: {signup.status_code} {signup.text}")
    started = signup.json()
    check(started["sentTo"] == args["email"] and "token" not in started, f"signup answer: {started}")
    # The person reads the code from the email and types it into the app.
    code_sent = latest_code(args["outbox"], args["email"])
    verify = app.call("POST", "/signup/verify", {"ticket": started["ticket"], "code": code_sent,
                                                 "device": "Ana's iPhone"})
    check(verify.status_code == 200, f"app signup code: {verify.status_code} {verify.text}")
    session = verify.json()
    replay = app.call("POST", "/signup/verify", {"ticket": started["ticket"], "code": code_sent})
    check(replay.status_code == 404 and replay.json()["type"].endswith("ticket-unknown"),
          f"replayed ticket: {replay.status_code} {replay.text}")
    check(session["outcome"]["result"] == "connected" and session["outcome"]["isNew"], f"outcome: {session}")
    app.token = session["token"]
    conversations = app.call("GET", "/conversations").json()["conversations"]
    check(len(conversations) == 1 and conversations[0]["title"] == args["practice"], f"{conversations}")
    conversation = conversations[0]["id"]
    sent = app.call("POST", f"/conversations/{conversation}/messages", {"body": "Hello from the app"})
    check(sent.status_code == 201, f"send: {sent.status_code} {sent.text}")
    page = app.call("GET", f"/conversations/{conversation}/messages?limit=1").json()
    check(page["messages"][-1]["body"] == "Hello from the app", f"messages: {page}")
    sessions = app.call("GET", "/sessions").json()["sessions"]
    check(len(sessions) == 1 and sessions[0]["current"] and sessions[0]["device"] == "Ana's iPhone", f"{sessions}")
    print(json.dumps({"connectCode": code, "appToken": session["token"], "conversation": conversation,
                      "continuation": claimed["continuation"], "ticket": started["ticket"],
                      "signupCode": code_sent}))


def android(base, args):
    html = phone_handoff(base, args["code"], ANDROID)
    check("apps.apple.com" not in html, "an Android phone gets the Play Store link only")
    play = re.search(r'id="play-store" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    # The Play Store keeps `referrer` and the installed app reads it through the Install Referrer API.
    referrer = urllib.parse.parse_qs(urllib.parse.urlsplit(play).query)["referrer"][0]
    token = urllib.parse.parse_qs(referrer)["spruce_handoff"][0]
    check(len(token) == 22, f"referrer token: {referrer}")
    check(f"/h/{token}" in html, "the universal link after install carries another token")
    app = App(base)
    claim = app.claim(token=token)
    check(claim.status_code == 200, f"claim by token: {claim.status_code} {claim.text}")
    login = app.call("POST", "/login", {"login": args["email"], "password": args["password"],
                                        "continuation": claim.json()["continuation"], "device": "Pixel 8"})
    check(login.status_code == 200, f"app login: {login.status_code} {login.text}")
    outcome = login.json()["outcome"]
    check(outcome["result"] == "connected", f"outcome: {outcome}")
    app.token = login.json()["token"]
    # Connecting again through the link itself: the web's "already connected".
    again = app.call("POST", "/connect", {"link": f"https://spruce.care/{args['code']}"})
    check(again.status_code == 200 and again.json() == {"result": "connected", "conversationId":
          outcome["conversationId"], "isNew": False}, f"connect again: {again.status_code} {again.text}")
    out = app.call("POST", "/logout")
    check(out.status_code == 204, f"logout: {out.status_code}")
    revoked = app.call("GET", "/conversations")
    check(revoked.status_code == 401, f"a revoked token still works: {revoked.status_code}")
    print(json.dumps({"handoffToken": token, "appToken": login.json()["token"],
                      "conversation": outcome["conversationId"]}))


def invited(base, args):
    app = App(base)
    claim = app.claim(code=args["connectCode"])
    check(claim.status_code == 200, f"claim of the invitation's code: {claim.status_code} {claim.text}")
    claimed = claim.json()
    check(claimed["invitation"] is True, f"claim: {claimed}")
    wrong = app.call("POST", "/signup", {"name": "Someone Else", "email": "someone@example.com",
                                         "password": "patient password 1", "continuation": claimed["continuation"]})
    check(wrong.status_code == 422 and wrong.json().get("field") == "email", f"wrong invitee: {wrong.text}")
    # The refused signup spent nothing: the invitee's own signup with the same continuation goes through, and
    # as the invitation was sent to this very address, it is verified at once: the token comes back, no code.
    signup = app.call("POST", "/signup", {"name": args["name"], "email": args["email"],
                                          "password": "patient password 1", "continuation": claimed["continuation"]})
    check(signup.status_code == 200, f"invitee signup: {signup.status_code} {signup.text}")
    check(signup.json()["token"].startswith("spa_"), f"{signup.text}")
    check(signup.json()["outcome"]["result"] == "connected", f"{signup.text}")
    again = app.claim(code=args["connectCode"])
    check(again.status_code in (409, 410), f"claim after signup: {again.status_code}")
    print(json.dumps({"appToken": signup.json()["token"]}))


def abuse(base, args):
    """Random connect codes from many client addresses, each on its own kept-alive connection and thread."""
    port = urllib.parse.urlsplit(base).port
    count, clients = args["count"], args["clients"]
    lock = threading.Lock()
    statuses = {}
    missing = [0]

    def client(index):
        rng = random.Random(index)
        connection = http.client.HTTPConnection("127.0.0.1", port, source_address=(f"127.0.1.{index + 1}", 0))
        mine = {}
        for _ in range(index, count, clients):
            code = "".join(rng.choice(ALPHABET) for _ in range(8))
            connection.request("POST", "/api/app/v1/handoffs/claim", body=json.dumps({"code": code}),
                               headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            mine[response.status] = mine.get(response.status, 0) + 1
            if response.status == 429 and not response.getheader("Retry-After"):
                with lock:
                    missing[0] += 1
        with lock:
            for status, n in mine.items():
                statuses[status] = statuses.get(status, 0) + n

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps({"statuses": {str(k): v for k, v in statuses.items()}, "retryAfterMissing": missing[0]}))


if __name__ == "__main__":
    base, journey = sys.argv[1], sys.argv[2]
    arguments = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
    {"ios": ios, "android": android, "invited": invited, "abuse": abuse}[journey](base, arguments)
