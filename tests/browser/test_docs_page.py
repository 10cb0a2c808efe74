"""/docs renders the OpenAPI document with Swagger UI from the service's own assets, offline."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.contract.spec import DOCUMENT

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]


def test_swagger_ui_renders_every_operation_without_other_hosts(browser, live_server, artifacts):
    api = live_server()
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    elsewhere: list[str] = []

    def only_the_service(route):  # type: ignore[no-untyped-def]
        if route.request.url.startswith(api.url + "/"):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_service)
    page.goto(api.url + "/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("otp-auth")
    operations = sum(
        1 for item in DOCUMENT["paths"].values() for method in item
        if method in ("get", "post", "put", "patch", "delete", "head")
    )
    expect(page.locator(".opblock")).to_have_count(operations)
    expect(page.locator(".swagger-ui .errors-wrapper")).to_have_count(0)
    page.screenshot(path=str(artifacts / "docs.png"), full_page=False)
    assert elsewhere == []
