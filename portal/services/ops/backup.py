"""Backup and restore: the database (SQLite online backup or pg_dump) and the uploads in one checked .tar.gz."""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import inspect
from sqlalchemy.engine import URL, Engine
from sqlalchemy.orm import Session

from portal.migrate import MIGRATIONS
from portal.services.common import audit
from portal.services.common.errors import ServiceError

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
DATABASE_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
UPLOADS = "uploads"
OPERATOR = "运维命令"

Progress = Callable[[str], None]


class BackupError(ServiceError):
    """A backup or restore was refused or failed; the message says why, in Chinese."""


@dataclass(frozen=True)
class Manifest:
    """What an archive holds: format, creation time, database kind, schema revision and each member's sha256."""

    created_at: str
    database: str
    alembic_revision: str | None
    files: dict[str, str]

    @property
    def uploads(self) -> int:
        return sum(1 for name in self.files if name.startswith(UPLOADS + "/"))

    def to_json(self) -> bytes:
        return json.dumps({"format": FORMAT, "created_at": self.created_at, "database": self.database,
                           "alembic_revision": self.alembic_revision, "file_count": len(self.files),
                           "files": self.files}, ensure_ascii=False, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        try:
            raw = json.loads(data)
            manifest = cls(str(raw["created_at"]), raw["database"], raw["alembic_revision"], dict(raw["files"]))
            valid = (raw["format"] == FORMAT and manifest.database in DATABASE_MEMBERS
                     and raw["file_count"] == len(manifest.files)
                     and DATABASE_MEMBERS[manifest.database] in manifest.files)
        except (ValueError, KeyError, TypeError) as exc:
            raise BackupError("备份清单 manifest.json 无法读取。") from exc
        if not valid:
            raise BackupError("备份清单 manifest.json 的格式不对（不是本程序做的备份，或版本不同）。")
        return manifest


def database_kind(engine: Engine) -> str:
    return engine.dialect.name


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at; None when it was never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def create_backup(engine: Engine, upload_dir: Path, dest: Path, progress: Progress) -> Manifest:
    """Write a consistent copy of the database and every upload to dest (mode 0600), replacing it only when done."""
    kind = database_kind(engine)
    revision = current_revision(engine)
    with tempfile.TemporaryDirectory(prefix="portal-backup-") as work:
        snapshot = Path(work) / DATABASE_MEMBERS[kind]
        progress(f"正在复制 {DATABASE_LABELS[kind]} 数据库…")
        if kind == "sqlite":
            _sqlite_snapshot(_sqlite_path(engine), snapshot)
        else:
            _pg_dump(engine.url, snapshot)
        uploads = sorted(p for p in upload_dir.rglob("*") if p.is_file()) if upload_dir.is_dir() else []
        progress(f"正在打包附件 {len(uploads)} 个…")
        members = [(snapshot.name, snapshot)]
        members += [(f"{UPLOADS}/{p.relative_to(upload_dir).as_posix()}", p) for p in uploads]
        return _write_archive(dest, members, kind, revision)


def _sqlite_path(engine: Engine) -> Path:
    name = engine.url.database
    if not name or name == ":memory:":
        raise BackupError("内存中的 SQLite 数据库无法备份。")
    return Path(name)


def _sqlite_snapshot(db_path: Path, target: Path) -> None:
    """Copy a live database page by page (sqlite3's online backup); the copy needs no -wal file."""
    if not db_path.is_file():
        raise BackupError(f"找不到数据库文件 {db_path}。")
    source, copy = sqlite3.connect(db_path), sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
        source.close()


class _HashingReader:
    """Reads a file for tarfile and hashes exactly the bytes that went into the archive."""

    def __init__(self, stream: IO[bytes]):
        self.stream, self.sha256 = stream, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.sha256.update(data)
        return data


def _write_archive(dest: Path, members: list[tuple[str, Path]], kind: str, revision: str | None) -> Manifest:
    dest.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            with tarfile.open(fileobj=out, mode="w:gz") as tar:
                files = {}
                for name, path in members:
                    info = tar.gettarinfo(path, arcname=name)
                    info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
                    with path.open("rb") as stream:
                        reader = _HashingReader(stream)
                        tar.addfile(info, reader)
                    files[name] = reader.sha256.hexdigest()
                manifest = Manifest(datetime.now(UTC).isoformat(timespec="seconds"), kind, revision, files)
                data = manifest.to_json()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode, info.mtime = len(data), 0o600, int(datetime.now(UTC).timestamp())
                tar.addfile(info, io.BytesIO(data))
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return manifest


def _member_path(name: str) -> PurePosixPath:
    """A member name that may be extracted: the database or a plain relative path under uploads/."""
    path = PurePosixPath(name)
    if name in DATABASE_MEMBERS.values():
        return path
    if path.parts[:1] != (UPLOADS,) or len(path.parts) < 2 or path.is_absolute() or ".." in path.parts:
        raise BackupError(f"备份中有不应存在的文件“{name}”，拒绝恢复。")
    return path


def _copy(stream: IO[bytes], out: IO[bytes] | None = None) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(1 << 20):
        digest.update(chunk)
        if out is not None:
            out.write(chunk)
    return digest.hexdigest()


def _visit_members(path: Path, visit: Callable[[str, IO[bytes]], None]) -> None:
    """Call visit(name, stream) for each regular file of the archive, in order, reading it once as a stream."""
    try:
        with tarfile.open(path, "r|gz") as tar:
            for member in tar:
                if not member.isfile():
                    raise BackupError(f"备份中有不应存在的条目“{member.name}”，拒绝恢复。")
                stream = tar.extractfile(member)
                if stream is None:
                    raise BackupError(f"备份中的条目“{member.name}”无法读取，拒绝恢复。")
                visit(member.name, stream)
    except (OSError, EOFError, zlib.error, tarfile.TarError) as exc:
        raise BackupError(f"无法读取备份文件 {path}：{exc}") from exc


def read_backup(path: Path) -> Manifest:
    """Check an archive: a valid manifest, and every other member listed in it with the same sha256."""
    found: dict[str, str] = {}
    manifest_data: list[bytes] = []

    def check(name: str, stream: IO[bytes]) -> None:
        if name == MANIFEST:
            manifest_data.append(stream.read())
            return
        _member_path(name)
        if name in found:
            raise BackupError(f"备份中“{name}”出现了两次，拒绝恢复。")
        found[name] = _copy(stream)

    _visit_members(path, check)
    if len(manifest_data) != 1:
        raise BackupError("备份中没有（唯一的）清单 manifest.json：这不是本程序做的备份。")
    manifest = Manifest.from_json(manifest_data[0])
    bad = sorted(name for name in found.keys() | manifest.files.keys() if found.get(name) != manifest.files.get(name))
    if bad:
        raise BackupError(f"备份已损坏或被改动：{len(bad)} 个文件与清单不符（如“{bad[0]}”），拒绝恢复。")
    return manifest


def check_compatible(manifest: Manifest, engine: Engine) -> None:
    """Refuse a backup of another database kind, or of a schema newer than this release knows."""
    kind = database_kind(engine)
    if manifest.database != kind:
        raise BackupError(f"备份来自 {DATABASE_LABELS[manifest.database]} 数据库，而当前配置的是 "
                          f"{DATABASE_LABELS[kind]} 数据库，不能恢复。")
    revision = manifest.alembic_revision
    if revision is not None and not _known_revision(revision):
        raise BackupError(f"备份的数据库结构版本 {revision} 比本程序新（本程序的迁移中没有这一版本）。"
                          "请先把程序升级到做备份时的版本，再恢复。")


def _scripts() -> ScriptDirectory:
    return ScriptDirectory(str(MIGRATIONS))


def _known_revision(revision: str) -> bool:
    try:
        return _scripts().get_revision(revision) is not None
    except CommandError:
        return False


def restore_backup(path: Path, manifest: Manifest, engine: Engine, upload_dir: Path, progress: Progress) -> None:
    """Replace the database and the uploads folder with the archive's (checked again while extracting)."""
    staging = upload_dir.parent / f".uploads-restore-{secrets.token_hex(4)}"
    staging.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="portal-restore-") as work:
        database = _staged_database(engine, Path(work))
        try:
            progress("正在解包并再次校验…")
            _extract(path, manifest, database, staging)
            progress(f"正在恢复 {DATABASE_LABELS[manifest.database]} 数据库…")
            engine.dispose()
            if manifest.database == "sqlite":
                _replace_sqlite(database, _sqlite_path(engine))
            else:
                _pg_restore(engine, database)
            engine.dispose()
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            database.unlink(missing_ok=True)
            raise
    progress(f"正在恢复附件 {manifest.uploads} 个…")
    _swap_folder(staging, upload_dir)
    head = _scripts().get_current_head()
    if manifest.alembic_revision not in (None, head):
        progress("备份的数据库结构版本较旧：请接着运行 flask db upgrade。")


def _staged_database(engine: Engine, work: Path) -> Path:
    """Where the archived database is extracted: beside the SQLite file (for an atomic rename), else a temp dir."""
    if database_kind(engine) != "sqlite":
        return work / DATABASE_MEMBERS["postgresql"]
    db_path = _sqlite_path(engine)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=db_path.parent, prefix=f".{db_path.name}.restore-")
    os.close(fd)
    return Path(name)


def _extract(path: Path, manifest: Manifest, database: Path, staging: Path) -> None:
    def write(name: str, stream: IO[bytes]) -> None:
        if name == MANIFEST:
            return
        relative = _member_path(name)
        target = database if name in DATABASE_MEMBERS.values() else staging.joinpath(*relative.parts[1:])
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as out:
            digest = _copy(stream, out)
            out.flush()
            os.fsync(out.fileno())
        if digest != manifest.files.get(name):
            raise BackupError(f"备份文件在校验后被改动（“{name}”），已停止恢复，现有数据未改变。")

    _visit_members(path, write)


def _replace_sqlite(staged: Path, db_path: Path) -> None:
    """Swap the database file in one rename, after folding the old write-ahead log so none is left to replay."""
    if db_path.exists():
        connection = sqlite3.connect(db_path)
        try:
            busy = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        finally:
            connection.close()
        if busy:
            raise BackupError("数据库正被其他进程使用：请先停止门户（gunicorn）和邮件进程，再恢复。")
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    os.replace(staged, db_path)


def _swap_folder(new: Path, current: Path) -> None:
    old = current.parent / f".uploads-old-{secrets.token_hex(4)}"
    if current.exists():
        os.replace(current, old)
    os.replace(new, current)
    shutil.rmtree(old, ignore_errors=True)


#: libpq's environment variables for the URL query parameters an operator may use
LIBPQ_QUERY = {"host": "PGHOST", "port": "PGPORT", "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT",
               "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY", "connect_timeout": "PGCONNECT_TIMEOUT"}
DUMPED_TABLE = re.compile(r"^\d+; \d+ \d+ TABLE \S+ (\S+) ", re.M)


def _pg_program(name: str) -> str:
    """pg_dump or pg_restore: on PATH, else the newest under /usr/lib/postgresql/*/bin."""
    if found := shutil.which(name):
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                        key=lambda p: tuple(int(n) for n in re.findall(r"\d+", p.parts[-3])))
    if not candidates:
        raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端"
                          "（Debian/Ubuntu：apt-get install postgresql-client）。")
    return str(candidates[-1])


def _pg_env(url: URL) -> dict[str, str]:
    """libpq settings taken from the URL, passed in the environment so the password never shows in a process list."""
    parts = {"PGHOST": url.host, "PGPORT": url.port, "PGUSER": url.username, "PGPASSWORD": url.password,
             "PGDATABASE": url.database}
    for key, name in LIBPQ_QUERY.items():
        if value := url.query.get(key):
            parts[name] = value if isinstance(value, str) else value[-1]
    return {**os.environ, **{name: str(value) for name, value in parts.items() if value is not None}}


def _run(args: list[str], env: dict[str, str], what: str) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{what} 失败（退出码 {done.returncode}）：{done.stderr.strip()[-2000:]}")
    return done.stdout


def _pg_dump(url: URL, target: Path) -> None:
    _run([_pg_program("pg_dump"), "--format=custom", "--no-password", f"--file={target}"], _pg_env(url), "pg_dump")


def _pg_restore(engine: Engine, dump: Path) -> None:
    """pg_restore in one transaction; refused when tables outside the dump would be left behind."""
    env = _pg_env(engine.url)
    dumped = set(DUMPED_TABLE.findall(_run([_pg_program("pg_restore"), "--list", str(dump)], env, "pg_restore")))
    extra = sorted(set(inspect(engine).get_table_names()) - dumped)
    if extra:
        raise BackupError(f"当前数据库里有备份中没有的表（{'、'.join(extra)}），恢复后会残留，之后的 flask db upgrade "
                          "会失败。请新建一个空数据库（createdb），把 PORTAL_DATABASE_URL 指向它，再恢复。")
    _run([_pg_program("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction", "--no-password",
          f"--dbname={engine.url.database or ''}", str(dump)], env, "pg_restore")


def record_backup(session: Session, manifest: Manifest) -> None:
    """Audit that every record was copied out (who ran it is the operator; no path, no personal data)."""
    audit.record(session, None, "system.backup", "database", actor_label=f"{OPERATOR} flask backup",
                 database=manifest.database, alembic_revision=manifest.alembic_revision, files=len(manifest.files))


def record_restore(session: Session, manifest: Manifest) -> None:
    """Audit, in the restored database, that it was restored and from which backup."""
    audit.record(session, None, "system.restore", "database", actor_label=f"{OPERATOR} flask restore",
                 database=manifest.database, alembic_revision=manifest.alembic_revision,
                 backup_created_at=manifest.created_at, files=len(manifest.files))
