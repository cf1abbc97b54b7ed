"""flask backup / flask restore: a checked archive of the database and the uploads that restores exactly."""
from __future__ import annotations

import hashlib
import io
import json
import stat
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, Base, FeedbackItem
from portal.services.ops import backup
from portal.services.feedback.attachments import Upload
from portal.services.ops.backup import BackupError, Manifest
from portal.services.feedback.intake import Contact
from tests.samples import pdf

PDF = pdf()


@pytest.fixture
def archive(tmp_path) -> Path:
    return tmp_path / "backups" / "portal-backup.tar.gz"


@pytest.fixture
def cases(session, new_item):
    """Three items: two with attachments (one with two files) and contact data, one anonymous without files."""
    new_item(contact=Contact(name="张三", email="zhang@example.org"), uploads=[Upload("证明.pdf", PDF + b"%1\n")])
    new_item(channel="letter", contact=Contact(address="兰州市东郊巷26号"),
             uploads=[Upload("信件.pdf", PDF + b"%2\n"), Upload("附页.pdf", PDF + b"%3\n")])
    new_item(content="匿名反映：第35项整改措施尚未落实到位。")
    session.commit()


def snapshot(session, upload_dir: Path) -> dict:
    """Every row of every table but the audit log, and every upload file's bytes."""
    session.expire_all()
    tables = {table.name: session.execute(select(table).order_by(*table.primary_key.columns)).all()
              for table in Base.metadata.sorted_tables if table.name != "audit_event"}
    files = {str(p.relative_to(upload_dir)): p.read_bytes() for p in upload_dir.rglob("*") if p.is_file()}
    session.commit()
    return {"tables": tables, "files": files}


def audit_actions(session) -> list[str]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def change_everything(session, new_item, upload_dir: Path) -> None:
    item = session.scalar(select(FeedbackItem).order_by(FeedbackItem.id))
    item.content = "被改动的内容"
    session.delete(item.contact)
    next(upload_dir.iterdir()).unlink()
    new_item(uploads=[Upload("新附件.pdf", PDF + b"%new\n")])
    session.commit()


def test_round_trip_restores_every_row_and_every_file(runner, session, cases, new_item, upload_dir, archive):
    before, actions = snapshot(session, upload_dir), audit_actions(session)
    assert len(before["files"]) == 3

    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert "正在打包附件 3 个…" in result.output and f"备份完成：{archive}" in result.output
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600

    change_everything(session, new_item, upload_dir)
    assert snapshot(session, upload_dir) != before

    result = runner.invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    assert "备份有效" in result.output and "正在恢复附件 3 个…" in result.output and "恢复完成。" in result.output
    assert snapshot(session, upload_dir) == before
    assert audit_actions(session) == [*actions, "system.restore"]


def test_the_manifest_lists_every_member_with_its_sha256(runner, session, cases, upload_dir, archive, db_url):
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    with tarfile.open(archive) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    manifest = json.loads(members.pop("manifest.json"))
    kind = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    assert (manifest["format"], manifest["database"], manifest["file_count"]) == (1, kind, 4)
    assert manifest["alembic_revision"] is None and manifest["created_at"]
    assert manifest["files"] == {name: hashlib.sha256(data).hexdigest() for name, data in members.items()}
    assert backup.DATABASE_MEMBERS[kind] in members
    assert {name for name in members if name.startswith("uploads/")} == {f"uploads/{p.name}"
                                                                         for p in upload_dir.iterdir()}
    assert "system.backup" in audit_actions(session)


def test_restore_asks_first_and_keeps_everything_when_refused(runner, session, cases, new_item, upload_dir, archive):
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    change_everything(session, new_item, upload_dir)
    changed = snapshot(session, upload_dir)
    result = runner.invoke(args=["restore", str(archive)], input="n\n")
    assert result.exit_code == 1
    assert "恢复会用备份替换当前的全部数据和附件" in result.output
    assert snapshot(session, upload_dir) == changed


def rewrite(archive: Path, change) -> None:
    """Rebuild archive with change(name, data) → (name, data) applied to each member."""
    with tarfile.open(archive) as tar:
        members = [(m.name, tar.extractfile(m).read()) for m in tar.getmembers()]
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in (change(name, data) for name, data in members):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


@pytest.mark.parametrize("change, message", [
    (lambda name, data: (name, data + b"x") if name.startswith("uploads/") else (name, data), "与清单不符"),
    (lambda name, data: ("uploads/../../evil" if name.startswith("uploads/") else name, data), "不应存在的文件"),
    (lambda name, data: (name, b"{}") if name == "manifest.json" else (name, data), "无法读取"),
], ids=["changed-file", "path-escape", "bad-manifest"])
def test_a_damaged_archive_is_refused_and_nothing_changes(runner, session, cases, upload_dir, archive, change,
                                                          message):
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    before = snapshot(session, upload_dir)
    rewrite(archive, change)
    result = runner.invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code == 1 and message in result.output
    assert snapshot(session, upload_dir) == before


def test_a_truncated_archive_is_refused_and_nothing_changes(runner, session, cases, upload_dir, archive):
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    before = snapshot(session, upload_dir)
    archive.write_bytes(archive.read_bytes()[:-200])
    result = runner.invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code == 1 and "无法读取备份文件" in result.output
    assert snapshot(session, upload_dir) == before


def test_a_file_that_is_not_a_backup_is_refused(runner, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar file")
    result = runner.invoke(args=["restore", str(junk), "--yes"])
    assert result.exit_code == 1 and "无法读取备份文件" in result.output


def test_a_backup_of_the_other_database_kind_is_refused(app):
    engine = app.extensions["portal.db"].kw["bind"]
    other = "postgresql" if engine.dialect.name == "sqlite" else "sqlite"
    manifest = Manifest("2026-01-01T00:00:00+00:00", other, None, {backup.DATABASE_MEMBERS[other]: "0" * 64})
    with pytest.raises(BackupError, match=f"备份来自 {backup.DATABASE_LABELS[other]} 数据库"):
        backup.check_compatible(manifest, engine)


def test_a_backup_of_a_newer_schema_is_refused_and_a_known_one_accepted(app):
    engine = app.extensions["portal.db"].kw["bind"]
    kind = engine.dialect.name
    files = {backup.DATABASE_MEMBERS[kind]: "0" * 64}
    with pytest.raises(BackupError, match="比本程序新"):
        backup.check_compatible(Manifest("2030-01-01T00:00:00+00:00", kind, "0123456789ab", files), engine)
    head = backup._scripts().get_current_head()
    backup.check_compatible(Manifest("2026-01-01T00:00:00+00:00", kind, head, files), engine)


def test_pg_dump_gets_the_password_in_its_environment_never_on_its_command_line(monkeypatch, tmp_path):
    from sqlalchemy.engine import make_url

    calls = []

    def fake_run(args, env, **kwargs):
        calls.append((args, env))
        return type("Done", (), {"returncode": 0, "stdout": "", "stderr": ""})()

    monkeypatch.setattr(backup.subprocess, "run", fake_run)
    url = make_url("postgresql+psycopg://portal:s3cret-pw@db.internal:6543/portal?sslmode=verify-full")
    backup._pg_dump(url, tmp_path / "dump")
    [(args, env)] = calls
    assert not any("s3cret-pw" in arg or "db.internal" in arg for arg in args)
    assert "--format=custom" in args and "--no-password" in args
    assert {k: env[k] for k in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSSLMODE")} == {
        "PGHOST": "db.internal", "PGPORT": "6543", "PGUSER": "portal", "PGPASSWORD": "s3cret-pw",
        "PGDATABASE": "portal", "PGSSLMODE": "verify-full"}


def test_a_table_the_backup_does_not_have_is_dropped_on_sqlite_and_refused_on_postgresql(
        app, runner, session, cases, upload_dir, archive):
    from sqlalchemy import inspect, text

    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    engine = app.extensions["portal.db"].kw["bind"]
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE later_release (id INTEGER PRIMARY KEY)"))
    result = runner.invoke(args=["restore", str(archive), "--yes"])
    if engine.dialect.name == "sqlite":
        assert result.exit_code == 0, result.output
        assert "later_release" not in inspect(engine).get_table_names()
    else:
        assert result.exit_code == 1 and "当前数据库里有备份中没有的表（later_release）" in result.output
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE later_release"))


def test_restoring_a_backup_of_an_older_schema_says_to_upgrade(app, runner, session, archive):
    from alembic import command
    from sqlalchemy import text

    from portal.migrate import alembic_config

    engine = app.extensions["portal.db"].kw["bind"]
    with engine.begin() as connection:
        command.stamp(alembic_config(connection), "3164b168ae23")
    try:
        backup_result = runner.invoke(args=["backup", str(archive)])
        assert "结构版本 3164b168ae23" in backup_result.output
        result = runner.invoke(args=["restore", str(archive), "--yes"])
        assert result.exit_code == 0, result.output
        assert "备份的数据库结构版本较旧：请接着运行 flask db upgrade。" in result.output
        assert backup.current_revision(engine) == "3164b168ae23"
    finally:
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE alembic_version"))
