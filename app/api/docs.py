"""The contract, served: GET /openapi.yaml, and Swagger UI at GET /docs from bundled assets.

Swagger UI comes from the `flask-swagger-ui` wheel, which ships the Swagger UI 5
distribution (OpenAPI 3.1 support); only its static files are used, so the page
loads nothing from a CDN and works with no network.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, Response, abort, send_from_directory

bp = Blueprint("docs", __name__)

# The repository root holds the document (next to migrations/, which the app also reads from there).
OPENAPI_PATH = Path(__file__).resolve().parents[2] / "openapi.yaml"
SWAGGER_UI_DIST = Path(flask_swagger_ui.__file__).resolve().parent / "dist"
# Only what the page below loads; anything else is a 404.
SWAGGER_UI_ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-standalone-preset.js": "text/javascript",
    "favicon-32x32.png": "image/png",
    "favicon-16x16.png": "image/png",
}

# Relative URLs, so the page also works when the service sits under a path prefix.
# validatorUrl null: Swagger UI would otherwise send the document to an online validator.
DOCS_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>otp-auth API</title>
  <link rel="stylesheet" href="docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="docs/favicon-32x32.png" sizes="32x32">
  <link rel="icon" type="image/png" href="docs/favicon-16x16.png" sizes="16x16">
  <style>body { margin: 0; }</style>
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="docs/swagger-ui-bundle.js"></script>
  <script src="docs/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      url: "openapi.yaml",
      dom_id: "#swagger-ui",
      deepLinking: true,
      validatorUrl: null,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: "BaseLayout"
    });
  </script>
</body>
</html>
"""


@lru_cache(maxsize=1)
def openapi_document() -> bytes:
    return OPENAPI_PATH.read_bytes()


@bp.get("/openapi.yaml")
def openapi_yaml() -> Response:
    return Response(openapi_document(), mimetype="application/yaml")


@bp.get("/docs")
def swagger_ui() -> Response:
    return Response(DOCS_PAGE, mimetype="text/html")


@bp.get("/docs/<asset>")
def swagger_ui_asset(asset: str) -> Response:
    mimetype = SWAGGER_UI_ASSETS.get(asset)
    if mimetype is None:
        abort(404)
    return send_from_directory(SWAGGER_UI_DIST, asset, mimetype=mimetype, max_age=3600)
