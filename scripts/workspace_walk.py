#!/usr/bin/env python3
"""Walks the practice workspace in headless Chromium with Selenium: a new practice signs up, mints a vanity link,
downloads its PNG and decodes it (zbarimg), invites patients by CSV upload (good rows, a bad row, a duplicate), a
patient opens the emailed invitation (from the outbox's Maildir) and signs up, and the invitation shows as
accepted with the patient in the inbox. Every workspace page is checked with axe-core (axe-selenium-python) at
360, 390 and 1280 px for serious or critical violations and for sideways scrolling, and saved as screenshots at
390 and 1280 px into OUTDIR.

usage: workspace_walk.py BASE_URL OUTDIR OUTBOX
Prints one JSON line with what it saw; exits 1 with a message on the first unexpected page.
"""
import email
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request

from axe_selenium_python import Axe
from selenium.webdriver.common.by import By

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chromium  # noqa: E402

WIDTHS = (360, 390, 1280)


def driver(width, downloads=None):
    return chromium.driver(mobile_width=width if width < 500 else None, downloads=downloads)


expect, wait_for = chromium.checks("workspace walk", timeout=15)


def log_in(browser, base, login, password):
    browser.get(base + "/login")
    browser.find_element(By.ID, "login").send_keys(login)
    browser.find_element(By.ID, "password").send_keys(password)
    browser.find_element(By.ID, "login-button").click()
    wait_for(browser, lambda: "/login" not in browser.current_url, "the page after login")


def check_pages(base, pages, login, password, outdir, problems):
    """axe and overflow on every page at every width; screenshots at 390 and 1280."""
    for width in WIDTHS:
        browser = driver(width)
        try:
            log_in(browser, base, login, password)
            for name, path in pages:
                browser.get(base + path)
                axe = Axe(browser)
                axe.inject()
                result = axe.run()
                serious = [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]
                if serious:
                    problems.append(f"{name} at {width}px: axe {serious}")
                overflow = browser.execute_script(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
                if width < 500 and overflow > 0:
                    problems.append(f"{name} at {width}px: {overflow}px of sideways scrolling")
                if width in (390, 1280):
                    browser.save_screenshot(os.path.join(outdir, f"{name}-{width}.png"))
        finally:
            browser.quit()


def main():
    base, outdir, outbox = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
    os.makedirs(outdir, exist_ok=True)
    seen = {}
    password = "a long practice password"
    downloads = tempfile.mkdtemp(prefix="workspace-walk-downloads-")
    browser = driver(1280, downloads)
    try:
        # 1. A new practice signs up and lands in its workspace.
        browser.get(base + "/practices/new")
        for field, value in (("practiceName", "Juniper Family Clinic"), ("specialty", "Family medicine"),
                             ("name", "Dr. June Park"), ("email", "june@juniper.example"), ("password", password)):
            browser.find_element(By.ID, field).send_keys(value)
        browser.find_element(By.ID, "create-practice").click()
        wait_for(browser, lambda: browser.current_url.endswith("/workspace/links"), "the workspace")

        # 2. It mints a vanity link: the name is suggested from the practice's name.
        vanity = browser.find_element(By.ID, "vanity")
        expect(vanity.get_attribute("value") == "juniper-family-clinic", "the suggested name", browser)
        browser.find_element(By.ID, "label").send_keys("Front desk poster")
        browser.find_element(By.CSS_SELECTOR, "input[name=kind][value=vanity]").click()
        browser.find_element(By.ID, "mint-link").click()
        wait_for(browser, lambda: "/workspace/links/juniper-family-clinic" in browser.current_url, "the link page")

        # 3. The print PNG downloads with the session's cookie and decodes to the link.
        cookies = "; ".join(f"{c['name']}={c['value']}" for c in browser.get_cookies())
        request = urllib.request.Request(
            base + "/workspace/links/juniper-family-clinic/qr.png?size=print", headers={"Cookie": cookies})
        png = urllib.request.urlopen(request).read()
        with tempfile.NamedTemporaryFile(suffix=".png", delete=False) as file:
            file.write(png)
        decoded = subprocess.run(["zbarimg", "--raw", "-q", file.name], capture_output=True, text=True)
        os.unlink(file.name)
        expect(decoded.stdout.strip().endswith("/juniper-family-clinic"), f"decoded {decoded.stdout!r}", browser)
        seen["decoded"] = decoded.stdout.strip()

        # 4. Patients by CSV upload: two good rows, a bad row, a duplicate, and a row a spreadsheet would run.
        browser.get(base + "/workspace/invite")
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as file:
            file.write("name,email,phone\nAda Lovelace,ada@example.com,\nBad Row,not-an-email,\n"
                       "Alan Turing,alan@example.com,\nAda again,ada@example.com,\n"
                       "\"=HYPERLINK(\"\"http://evil.example\"\")\",@evil,\n")
        browser.find_element(By.ID, "csv").send_keys(file.name)
        select = browser.find_element(By.ID, "csv-link")
        for option in select.find_elements(By.TAG_NAME, "option"):
            if option.get_attribute("value") == "juniper-family-clinic":
                option.click()
        browser.find_element(By.ID, "upload-csv").click()
        wait_for(browser, lambda: "Upload results" in browser.page_source, "the upload results")
        summary = browser.find_element(By.ID, "summary").text
        expect(summary == "2 sent · 1 skipped · 2 failed", f"summary {summary!r}", browser)
        os.unlink(file.name)
        seen["upload"] = summary

        # The report downloads with a click (a data: URL; no JavaScript, allowed by the page's CSP), and its
        # cells that a spreadsheet would run start with a quote.
        browser.find_element(By.ID, "report").click()
        report_path = os.path.join(downloads, "invitation-report.csv")
        wait_for(browser, lambda: os.path.exists(report_path), "the downloaded report")
        with open(report_path, encoding="utf-8", newline="") as handle:
            lines = handle.read().split("\r\n")
        expect(lines[0] == "row,name,email,phone,status,invitation_id,reason", f"report header {lines[0]!r}", browser)
        expect(lines[5].startswith('6,"\'=HYPERLINK(""http://evil.example"")",\'@evil,,failed,'),
               f"report line {lines[5]!r}", browser)
        seen["report"] = len([line for line in lines if line])
    finally:
        browser.quit()

    shutil.rmtree(downloads, ignore_errors=True)

    # 5. Ada opens the emailed invitation from the Maildir and signs up.
    folder = os.path.join(outbox, "new")
    link = None
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as handle:
            message = email.message_from_bytes(handle.read())
        if "ada@example.com" not in message.get("To", ""):
            continue
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                text = part.get_payload(decode=True).decode("utf-8")
                match = re.search(r"https?://\S+/i/[a-z0-9]+", text)
                link = match and match.group(0)
    if link is None:
        raise SystemExit("workspace walk failed: no invitation email to ada@example.com in the outbox")
    patient = driver(390)
    try:
        patient.get(base + link[link.index("/i/"):])
        patient.find_element(By.ID, "connect").click()
        wait_for(patient, lambda: "/signup" in patient.current_url, "the signup page")
        patient.find_element(By.ID, "name").send_keys("Ada Lovelace")
        patient.find_element(By.ID, "email").send_keys("ada@example.com")
        patient.find_element(By.ID, "password").send_keys("ada's long password")
        patient.find_element(By.ID, "signup").click()
        wait_for(patient, lambda: "/conversations/" in patient.current_url, "Ada's conversation")
    finally:
        patient.quit()

    # 6. The invitation shows as accepted, and Ada is in the practice's inbox.
    browser = driver(1280)
    try:
        log_in(browser, base, "june@juniper.example", password)
        browser.get(base + "/workspace/invitations?status=accepted")
        expect("ada@example.com" in browser.page_source, "Ada's invitation accepted", browser)
        browser.get(base + "/inbox")
        expect("Ada Lovelace" in browser.page_source, "Ada in the inbox", browser)
        # A colleague invited to the team waits in the team page's pending invitations (checked below at 360 px).
        browser.get(base + "/workspace/team")
        browser.find_element(By.ID, "member-name").send_keys("Nurse Ray Okafor-Lindqvist")
        browser.find_element(By.ID, "member-email").send_keys("ray.okafor-lindqvist@juniper-family-clinic.example")
        browser.find_element(By.ID, "add-member").click()
        wait_for(browser, lambda: "pending-invitations" in browser.page_source, "the pending team invitation")
    finally:
        browser.quit()

    # 7. Every workspace page: axe, sideways scrolling, screenshots.
    pages = [
        ("links", "/workspace/links"), ("link", "/workspace/links/juniper-family-clinic"),
        ("disable", "/workspace/links/juniper-family-clinic/disable"), ("invite", "/workspace/invite"),
        ("invitations", "/workspace/invitations"), ("profile", "/workspace/profile"), ("team", "/workspace/team"),
        ("api-keys", "/workspace/api-keys"),
    ]
    problems = []
    check_pages(base, pages, "june@juniper.example", password, outdir, problems)
    if problems:
        raise SystemExit("workspace walk failed: " + "; ".join(problems))
    seen["pages"] = len(pages)
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
