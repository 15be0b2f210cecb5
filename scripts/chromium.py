"""Headless Chromium for the browser scripts (browser_journey.py, workspace_walk.py): the driver, and the checks
that stop a walk with one message naming the page it was on."""
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def driver(window="1280,900", mobile_width=None, downloads=None):
    """A headless Chromium; `mobile_width` emulates a phone that wide, `downloads` saves downloads there."""
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={window}"):
        options.add_argument(argument)
    if mobile_width:
        options.add_experimental_option(
            "mobileEmulation", {"deviceMetrics": {"width": mobile_width, "height": 844, "pixelRatio": 2.0}})
    if downloads:
        options.add_experimental_option(
            "prefs", {"download.default_directory": downloads, "download.prompt_for_download": False})
    options.binary_location = "/usr/bin/chromium"
    browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    if downloads:
        browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    return browser


def checks(walk, timeout):
    """`expect` and `wait_for` for the walk named `walk`: each exits with "`walk` failed: …" and the page."""
    def expect(condition, message, browser):
        if not condition:
            raise SystemExit(f"{walk} failed: {message} (at {browser.current_url}: {browser.title})")

    def wait_for(browser, predicate, what, seconds=timeout):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if predicate():
                return
            time.sleep(0.05)
        expect(False, f"timed out waiting for {what}", browser)

    return expect, wait_for
