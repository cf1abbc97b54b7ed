"""Configuration: two portals can run from one checkout, each with its own instance folder."""
from portal import create_app


def test_portal_instance_path_gives_each_portal_its_own_database_and_uploads(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "second"))
    app = create_app({"SECRET_KEY": "s"})
    assert app.instance_path == str(tmp_path / "second")
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'second' / 'portal.db'}"
    assert app.config["UPLOAD_DIR"] == str(tmp_path / "second" / "uploads")


def test_a_configured_upload_folder_is_kept(tmp_path):
    app = create_app({"SECRET_KEY": "s", "UPLOAD_DIR": str(tmp_path / "files")}, instance_path=str(tmp_path / "i"))
    assert app.config["UPLOAD_DIR"] == str(tmp_path / "files")
