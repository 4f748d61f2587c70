"""Steps every journey takes: signing in and out through the real pages."""

from playwright.sync_api import expect

from tests.factories import PASSWORD


def sign_in(page, live_server, email):
    """Sign in on the login page and wait for the home page, so the next step starts signed in."""
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Hello", exact=False)).to_be_visible()


def sign_out(page):
    page.locator("nav .dropdown-menu-end").get_by_role("button", name="Sign out", include_hidden=True).evaluate(
        "button => button.form.submit()"
    )
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in")).to_be_visible()


def go_home(page):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
