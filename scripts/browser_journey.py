#!/usr/bin/env python3
"""Walks the site in headless Chromium with Selenium: a new patient signs up through a practice link, and a
clinic member connects with another clinic through its link. Saves screenshots into OUTDIR.

usage: browser_journey.py BASE_URL OUTDIR STAFF_PASSWORD OUTBOX
(OUTBOX: where the server delivers account codes; the patient reads the signup code from it.)
Prints one JSON line with what it saw; exits 1 with a message on the first unexpected page.
"""
import json
import os
import sys

from selenium.webdriver.common.by import By

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chromium  # noqa: E402
from outbox_code import latest_code  # noqa: E402


def driver():
    return chromium.driver(window="420,900")


expect, wait_for = chromium.checks("browser journey", timeout=10)


def main():
    base, outdir, password, outbox = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3], sys.argv[4]
    os.makedirs(outdir, exist_ok=True)
    seen = {}

    # 1. A new patient opens the campaign link, signs up, and lands on the conversation with the practice.
    browser = driver()
    try:
        browser.get(base + "/5093318")
        expect(browser.find_element(By.TAG_NAME, "h1").text == "Oak Street Pediatrics", "profile heading", browser)
        qr = browser.find_element(By.CSS_SELECTOR, "figure.qr img")
        wait_for(browser, lambda: browser.execute_script("return arguments[0].naturalWidth", qr) > 0, "the QR image")
        browser.save_screenshot(os.path.join(outdir, "profile.png"))
        browser.find_element(By.ID, "connect").click()
        wait_for(browser, lambda: "/signup" in browser.current_url, "the signup page")
        expect("Oak Street Pediatrics" in browser.page_source, "signup names the practice", browser)
        browser.find_element(By.ID, "name").send_keys("Grace Hopper")
        browser.find_element(By.ID, "email").send_keys("grace@example.com")
        browser.find_element(By.ID, "password").send_keys("patient password")
        browser.find_element(By.ID, "signup").click()
        wait_for(browser, lambda: "We sent a code to" in browser.page_source, "the code page")
        browser.find_element(By.ID, "code").send_keys(latest_code(outbox, "grace@example.com"))
        browser.find_element(By.ID, "verify").click()
        wait_for(browser, lambda: "/conversations/" in browser.current_url, "the patient's conversation")
        expect("Oak Street Pediatrics" in browser.find_element(By.TAG_NAME, "h1").text, "conversation title", browser)
        browser.find_element(By.ID, "body").send_keys("Hello, is the flu shot available on Saturday?")
        browser.find_element(By.ID, "send").click()
        wait_for(browser, lambda: "flu shot available" in browser.page_source, "the sent message")
        browser.save_screenshot(os.path.join(outdir, "patient-conversation.png"))
        seen["patient_conversation"] = browser.current_url.replace(base, "")
        browser.get(base + "/care")
        expect("Oak Street Pediatrics" in browser.page_source, "Get Care lists the practice", browser)
    finally:
        browser.quit()

    # 2. A member of Riverbend opens Lumen's link, is asked "Connect with Lumen Dermatology?", and connects.
    browser = driver()
    try:
        browser.get(base + "/login")
        browser.find_element(By.ID, "login").send_keys("sam@riverbendpt.example")
        browser.find_element(By.ID, "password").send_keys(password)
        browser.find_element(By.ID, "login-button").click()
        wait_for(browser, lambda: browser.current_url.endswith("/inbox"), "the inbox after login")
        browser.get(base + "/3914805")
        browser.find_element(By.ID, "connect").click()
        wait_for(browser, lambda: "/inbox?prompt=" in browser.current_url, "the prompt in the inbox")
        question = browser.find_element(By.ID, "prompt-question").text
        expect(question == "Connect with Lumen Dermatology?", f"prompt question {question!r}", browser)
        browser.save_screenshot(os.path.join(outdir, "clinic-prompt.png"))
        browser.find_element(By.ID, "connect-clinic").click()
        wait_for(browser, lambda: "/conversations/" in browser.current_url, "the clinic conversation")
        expect("Lumen Dermatology" in browser.find_element(By.TAG_NAME, "h1").text, "clinic conversation title", browser)
        seen["clinic_conversation"] = browser.current_url.replace(base, "")
        browser.get(base + "/inbox?tab=clinics")
        expect("Lumen Dermatology" in browser.page_source, "Clinics on Spruce lists Lumen", browser)
        browser.save_screenshot(os.path.join(outdir, "clinics-on-spruce.png"))
    finally:
        browser.quit()

    print(json.dumps(seen))


if __name__ == "__main__":
    main()
