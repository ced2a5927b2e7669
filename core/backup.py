"""Backups (README "Backups"): one ``.tar`` holding a consistent copy of the database, the media folder (import
files, visit photos, exports, attachments) and a manifest the restore checks its result against.

PostgreSQL is dumped by ``pg_dump --format=custom`` inside a snapshot exported from a REPEATABLE READ transaction,
and the manifest's row counts are read in that same transaction: dump and counts describe one instant, so a restore
that finds other counts is a broken restore, not a busy server. SQLite is copied with its online backup API (in one
step, under a read lock) and counted from the copy.

``core`` imports no app (tests/test_layering.py): the database is read as tables, not models, and the headline
count is a table name."""

import dataclasses
import datetime
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import tomllib
from collections.abc import Callable, Mapping
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import quote

import environ
import psycopg2
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.migrations.loader import MigrationLoader
from psycopg2 import sql

FORMAT = 1  # of the archive; a restore refuses any other
MANIFEST = "manifest.json"
MEDIA = "media"
DUMP_NAMES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
HOUSEHOLDS_TABLE = "households_household"
ARCHIVE_NAME = re.compile(r"^revitalization-\d{8}T\d{6}Z\.tar$")
ENGINES = {"django.db.backends.postgresql": "postgresql", "django.db.backends.sqlite3": "sqlite"}
# Debian/Ubuntu name the tools' package so; the image installs the major version of the compose file's server.
CLIENT_PACKAGE = "postgresql-client"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator."""


@dataclasses.dataclass(frozen=True)
class Database:
    """Where to read or write: the configured database or one named by a URL, as Django's settings describe it."""

    engine: str  # postgresql | sqlite
    name: str
    user: str = ""
    password: str = dataclasses.field(default="", repr=False)
    host: str = ""
    port: str = ""
    sslmode: str = ""

    @classmethod
    def from_settings(cls, config: Mapping[str, Any]) -> "Database":
        engine = ENGINES.get(str(config.get("ENGINE", "")))
        if engine is None:
            raise BackupError(f"不支持的数据库引擎 {config.get('ENGINE')}：只能备份和恢复 PostgreSQL 与 SQLite。")
        options = config.get("OPTIONS") or {}
        return cls(
            engine=engine,
            name=str(config.get("NAME") or ""),
            user=str(config.get("USER") or ""),
            password=str(config.get("PASSWORD") or ""),
            host=str(config.get("HOST") or ""),
            port=str(config.get("PORT") or ""),
            sslmode=str(options.get("sslmode") or ""),
        )

    @classmethod
    def from_url(cls, url: str) -> "Database":
        try:
            config = environ.Env.db_url_config(url)
        except (ImproperlyConfigured, KeyError, ValueError) as exc:
            raise BackupError(f"看不懂数据库地址 {url!r}：{exc}") from exc
        return cls.from_settings(config)

    def __str__(self) -> str:
        """For messages: never the password."""
        if self.engine == "sqlite":
            return f"SQLite {self.name}"
        user = f"{self.user}@" if self.user else ""
        port = f":{self.port}" if self.port else ""
        return f"PostgreSQL {user}{self.host or 'localhost'}{port}/{self.name}"


@dataclasses.dataclass(frozen=True)
class Census:
    """Rows per table and the applied migrations, of one database at one instant."""

    tables: dict[str, int]
    migrations: list[str]  # "app.name"

    @property
    def households(self) -> int | None:
        return self.tables.get(HOUSEHOLDS_TABLE)


@dataclasses.dataclass(frozen=True)
class Manifest:
    format: int
    created_at: str  # ISO 8601, UTC
    app_version: str
    git_revision: str | None
    engine: str
    database: str
    server_version: str
    dump: str
    dump_sha256: str
    dump_bytes: int
    households: int | None
    tables: dict[str, int]
    migrations: list[str]
    media_files: int
    media_bytes: int

    @classmethod
    def from_json(cls, data: bytes) -> "Manifest":
        try:
            fields = json.loads(data)
            if fields.get("format") != FORMAT:
                raise BackupError(f"备份格式 {fields.get('format')} 不是本程序的格式 {FORMAT}。")
            return cls(**fields)
        except (ValueError, TypeError, AttributeError) as exc:
            raise BackupError(f"备份清单 {MANIFEST} 无法读取：{exc}") from exc

    def to_json(self) -> bytes:
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False, indent=2).encode()


@dataclasses.dataclass(frozen=True)
class Made:
    path: Path
    manifest: Manifest


@dataclasses.dataclass(frozen=True)
class Restored:
    manifest: Manifest
    census: Census
    media_files: int
    pending_migrations: list[str]  # in the code, not in the restored database: `manage.py migrate` applies them
    unknown_migrations: list[str]  # in the restored database, not in the code (restored with force only)
    extra_tables: list[str]  # in the target before, not in the backup: pg_restore --clean leaves them (force only)


# --- backup -----------------------------------------------------------------------------------------------------


def backup_create(*, database: Database, media_root: Path, output_dir: Path, now: datetime.datetime) -> Made:
    """Write ``revitalization-<UTC time>.tar`` into ``output_dir``: the dump, the media files and the manifest.

    The archive appears under its name only once complete (written as ``.partial``, then renamed); it holds ID
    numbers, so it is readable by its owner only."""
    output_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    final = output_dir / f"revitalization-{now.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}.tar"
    if final.exists():
        raise BackupError(f"{final} 已存在：同一秒内只能备份一次。")
    partial = final.with_name(final.name + ".partial")
    dump_name = DUMP_NAMES[database.engine]
    with tempfile.TemporaryDirectory(dir=output_dir, prefix=".backup-") as scratch:
        dump = Path(scratch) / dump_name
        if database.engine == "postgresql":
            census, server_version = _pg_dump(database, dump)
        else:
            census, server_version = _sqlite_dump(database, dump)
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
                tar.add(dump, arcname=dump_name)
                media_files, media_bytes = _add_media(tar, media_root)
                manifest = Manifest(
                    format=FORMAT,
                    created_at=now.astimezone(datetime.UTC).isoformat(timespec="seconds"),
                    app_version=_app_version(),
                    git_revision=_git_revision(),
                    engine=database.engine,
                    database=database.name,
                    server_version=server_version,
                    dump=dump_name,
                    dump_sha256=_sha256(dump),
                    dump_bytes=dump.stat().st_size,
                    households=census.households,
                    tables=census.tables,
                    migrations=census.migrations,
                    media_files=media_files,
                    media_bytes=media_bytes,
                )
                # Last, so that `tar tf` lists it last and it can describe everything before it.
                data = manifest.to_json()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(now.timestamp()), 0o600
                tar.addfile(info, io.BytesIO(data))
            os.replace(partial, final)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return Made(path=final, manifest=manifest)


def backup_prune(*, output_dir: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest archives of ``output_dir`` (names sort by time); other files stay."""
    archives = sorted(path for path in output_dir.iterdir() if ARCHIVE_NAME.match(path.name))
    old = archives[:-keep] if keep > 0 else []
    for path in old:
        path.unlink()
    return old


def _pg_dump(database: Database, dump: Path) -> tuple[Census, str]:
    pg_dump = _tool("pg_dump")
    with closing(_pg_connect(database)) as conn:
        conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = str(cursor.fetchone()[0])
            # The snapshot lives as long as this transaction: pg_dump imports it, and the counts below read it.
            _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={dump}"], env=_pg_env(database))
            census = _census(cursor, _pg_tables(cursor), _pg_count_sql)
        conn.rollback()
        return census, _pg_version(conn)


def _sqlite_dump(database: Database, dump: Path) -> tuple[Census, str]:
    with closing(_sqlite_connect(database, readonly=True)) as source, closing(sqlite3.connect(dump)) as copy:
        source.backup(copy)  # one step (pages=-1): the whole file under one read lock
        census = _census(copy.cursor(), _sqlite_tables(copy), _sqlite_count_sql)
    return census, sqlite3.sqlite_version


def _add_media(tar: tarfile.TarFile, media_root: Path) -> tuple[int, int]:
    """Every regular file under ``media_root`` as ``media/<path>``; symbolic links are not followed."""
    files = size = 0
    if not media_root.is_dir():
        return files, size
    for folder, _dirs, names in os.walk(media_root):
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                continue
            try:
                info = tar.gettarinfo(path, arcname=f"{MEDIA}/{path.relative_to(media_root).as_posix()}")
                with path.open("rb") as content:
                    tar.addfile(info, content)
            except FileNotFoundError:  # an expired export deleted while we walked: it was going anyway
                continue
            files += 1
            size += info.size
    return files, size


def _app_version() -> str:
    try:
        project = tomllib.loads((Path(settings.BASE_DIR) / "pyproject.toml").read_text(encoding="utf-8"))
        return str(project["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return ""


def _git_revision() -> str | None:
    """The checkout's commit, where there is one (the image has no .git)."""
    git = shutil.which("git")
    base = Path(settings.BASE_DIR)
    if git is None or not (base / ".git").exists():
        return None
    try:
        done = subprocess.run(  # noqa: S603 - a fixed command, no shell
            [git, "-C", str(base), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip() or None


# --- restore ----------------------------------------------------------------------------------------------------


def backup_restore(*, archive: Path, database: Database, media_root: Path, force: bool) -> Restored:
    """Restore ``archive`` into ``database`` and ``media_root``, then count the database against the manifest.

    Everything is checked before anything is written: the manifest, the dump's checksum, the media count, the
    migrations, and that the target is empty (a fresh database, an empty media folder) unless ``force``. A
    PostgreSQL restore is one transaction (``pg_restore --single-transaction``): it lands whole or not at all."""
    if not archive.is_file():
        raise BackupError(f"找不到备份文件 {archive}。")
    with _open_archive(archive) as tar, tempfile.TemporaryDirectory(prefix="revitalization-restore-") as scratch:
        manifest = _read_manifest(tar)
        if manifest.engine != database.engine:
            raise BackupError(
                f"备份来自 {manifest.engine} 数据库，目标 {database} 是 {database.engine}：只能恢复到同一种数据库。"
            )
        media = [m for m in tar.getmembers() if m.isfile() and m.name.startswith(f"{MEDIA}/")]
        if len(media) != manifest.media_files:
            raise BackupError(f"归档不完整：清单记有 {manifest.media_files} 个媒体文件，归档里只有 {len(media)} 个。")
        in_code = _migrations_in_code()
        unknown = sorted(set(manifest.migrations) - in_code)
        if unknown and not force:
            raise BackupError(
                f"备份来自更新的程序版本（{manifest.git_revision or manifest.app_version}）：本程序不认识其中 "
                f"{len(unknown)} 个迁移（如 {unknown[0]}），恢复后可能无法运行。请用该版本的程序恢复；"
                "确认仍要恢复请加 --force。"
            )
        _refuse_unless_empty(database, media_root, force=force)
        dump = _extract_dump(tar, manifest, Path(scratch))
        if database.engine == "postgresql":
            _pg_restore(database, dump)
        else:
            _sqlite_restore(database, dump)
        restored_media = _restore_media(tar, media, media_root)
    census = database_census(database)
    _compare(manifest, census)
    return Restored(
        manifest=manifest,
        census=census,
        media_files=restored_media,
        pending_migrations=sorted(in_code - set(census.migrations)),
        unknown_migrations=unknown,
        extra_tables=sorted(set(census.tables) - set(manifest.tables)),
    )


def database_census(database: Database) -> Census:
    """Rows per table and applied migrations of ``database`` as it is now."""
    if database.engine == "postgresql":
        with closing(_pg_connect(database)) as conn, conn.cursor() as cursor:
            census = _census(cursor, _pg_tables(cursor), _pg_count_sql)
            conn.rollback()
            return census
    with closing(_sqlite_connect(database, readonly=True)) as conn:
        return _census(conn.cursor(), _sqlite_tables(conn), _sqlite_count_sql)


def _open_archive(archive: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(archive, mode="r:")
    except tarfile.TarError as exc:
        raise BackupError(f"{archive} 不是备份归档：{exc}") from exc


def _read_manifest(tar: tarfile.TarFile) -> Manifest:
    try:
        member = tar.getmember(MANIFEST)
    except KeyError as exc:
        raise BackupError(f"归档里没有 {MANIFEST}：不是本程序写的备份，或没有写完。") from exc
    content = tar.extractfile(member)
    if content is None:
        raise BackupError(f"归档里的 {MANIFEST} 不是文件。")
    with content:
        return Manifest.from_json(content.read())


def _refuse_unless_empty(database: Database, media_root: Path, *, force: bool) -> None:
    tables = _existing_tables(database)
    files = sum(1 for path in media_root.rglob("*") if path.is_file()) if media_root.is_dir() else 0
    if (tables or files) and not force:
        households = database_census(database).households if HOUSEHOLDS_TABLE in tables else None
        held = f"（其中农户 {households} 户）" if households is not None else ""
        raise BackupError(
            f"目标不是空的：{database} 已有 {len(tables)} 张数据表{held}，媒体文件夹 {media_root} 已有 {files} 个"
            "文件。恢复会覆盖其中的数据；请恢复到新建的空数据库，确认要覆盖请加 --force。"
        )


def _existing_tables(database: Database) -> list[str]:
    if database.engine == "postgresql":
        with closing(_pg_connect(database)) as conn, conn.cursor() as cursor:
            return _pg_tables(cursor)
    path = _sqlite_path(database)
    if not path.exists():
        return []
    with closing(_sqlite_connect(database, readonly=True)) as conn:
        return _sqlite_tables(conn)


def _extract_dump(tar: tarfile.TarFile, manifest: Manifest, scratch: Path) -> Path:
    try:
        content = tar.extractfile(manifest.dump)
    except KeyError:
        content = None
    if content is None:
        raise BackupError(f"归档里没有数据库文件 {manifest.dump}。")
    dump = scratch / manifest.dump
    digest = hashlib.sha256()
    with content, dump.open("wb") as out:
        for block in iter(lambda: content.read(1 << 20), b""):
            digest.update(block)
            out.write(block)
    if digest.hexdigest() != manifest.dump_sha256:
        raise BackupError(f"数据库文件 {manifest.dump} 的校验值与清单不符：归档已损坏，未做任何更改。")
    return dump


def _pg_restore(database: Database, dump: Path) -> None:
    pg_restore = _tool("pg_restore")
    # --no-owner/--no-acl: the target's user owns what it restores (compose's user need not be the dumping one).
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-acl",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={database.name}",
            str(dump),
        ],
        env=_pg_env(database),
    )


def _sqlite_restore(database: Database, dump: Path) -> None:
    target = _sqlite_path(database)
    target.parent.mkdir(parents=True, exist_ok=True)
    # The backup API replaces the target's every page: tables the backup does not have are gone too.
    with (
        closing(sqlite3.connect(f"file:{quote(str(dump))}?mode=ro", uri=True)) as source,
        closing(sqlite3.connect(target)) as copy,
    ):
        source.backup(copy)


def _restore_media(tar: tarfile.TarFile, members: list[tarfile.TarInfo], media_root: Path) -> int:
    media_root.mkdir(parents=True, exist_ok=True)
    for member in members:
        inside = member.replace(name=member.name[len(MEDIA) + 1 :], deep=False)
        # The "data" filter refuses absolute names, "..", links and device files.
        tar.extract(inside, path=media_root, filter="data")
    return len(members)


def _compare(manifest: Manifest, census: Census) -> None:
    """Every table of the backup has its rows back (a missing table counts as none)."""
    differ = sorted(name for name, rows in manifest.tables.items() if census.tables.get(name) != rows)
    if differ:
        listed = "、".join(f"{n}（清单 {manifest.tables.get(n)}，恢复后 {census.tables.get(n)}）" for n in differ[:10])
        raise BackupError(
            f"恢复后的数据与备份清单不符：农户 {census.households} 户，清单记 {manifest.households} 户；"
            f"{len(differ)} 张表的行数不同：{listed}。请勿使用这个数据库。"
        )


def _migrations_in_code() -> set[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


# --- both engines -----------------------------------------------------------------------------------------------


def _census(cursor: Any, tables: list[str], count_sql: Callable[[str], Any]) -> Census:
    counts: dict[str, int] = {}
    for table in tables:
        cursor.execute(count_sql(table))
        counts[table] = int(cursor.fetchone()[0])
    migrations: list[str] = []
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = [f"{app}.{name}" for app, name in cursor.fetchall()]
    return Census(tables=counts, migrations=migrations)


def _pg_connect(database: Database) -> Any:
    try:
        return psycopg2.connect(
            dbname=database.name,
            user=database.user or None,
            password=database.password or None,
            host=database.host or None,
            port=database.port or None,
            sslmode=database.sslmode or None,
            application_name="revitalization-backup",
        )
    except psycopg2.OperationalError as exc:
        missing = "（数据库须先建好：createdb 或 CREATE DATABASE）" if "does not exist" in str(exc) else ""
        raise BackupError(f"连不上 {database}：{str(exc).strip()}{missing}") from exc


def _pg_tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname"
    )
    return [str(row[0]) for row in cursor.fetchall()]


def _pg_count_sql(table: str) -> Any:
    return sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))


def _pg_version(conn: Any) -> str:
    number = int(conn.server_version)  # 150020 for 15.20
    return f"{number // 10000}.{number % 10000}"


def _pg_env(database: Database) -> dict[str, str]:
    """The tools' environment: the caller's (PATH, ~/.pgpass, PG* defaults) with the target's settings on top. The
    password travels here, never on a command line that ``ps`` shows."""
    env = dict(os.environ)
    for key, value in {
        "PGDATABASE": database.name,
        "PGUSER": database.user,
        "PGPASSWORD": database.password,
        "PGHOST": database.host,
        "PGPORT": database.port,
        "PGSSLMODE": database.sslmode,
    }.items():
        if value:
            env[key] = value
    return env


def _sqlite_path(database: Database) -> Path:
    if not database.name or database.name == ":memory:" or database.name.startswith("file:"):
        raise BackupError(f"{database} 不是数据库文件：只能恢复到 SQLite 文件。")
    return Path(database.name)


def _sqlite_connect(database: Database, *, readonly: bool) -> sqlite3.Connection:
    if database.name.startswith("file:"):  # a URI, as Django's in-memory test database is named
        return sqlite3.connect(database.name, uri=True)
    path = _sqlite_path(database)
    if readonly and not path.exists():
        raise BackupError(f"找不到数据库文件 {path}。")
    mode = "ro" if readonly else "rwc"
    return sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode={mode}", uri=True)


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )
    return [str(row[0]) for row in rows]


def _sqlite_count_sql(table: str) -> str:
    return 'SELECT count(*) FROM "{}"'.format(table.replace('"', '""'))  # noqa: S608 - the database's own names


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"找不到 {name}：请安装 {CLIENT_PACKAGE}（主版本不低于数据库服务器的，如 Debian 的 postgresql-client-15）。"
        )
    return path


def _run(command: list[str], *, env: dict[str, str]) -> None:
    try:
        subprocess.run(command, env=env, capture_output=True, text=True, check=True)  # noqa: S603 - no shell
    except subprocess.CalledProcessError as exc:
        raise BackupError(f"{Path(command[0]).name} 失败（退出码 {exc.returncode}）：{exc.stderr.strip()}") from exc


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as content:
        for block in iter(lambda: content.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
