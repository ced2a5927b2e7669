"""Backups (README "Backups"): ``manage.py backup`` writes one archive — the database, the media folder and a
manifest — and ``manage.py restore`` brings back every household, ID number and file, and refuses what it cannot
vouch for. On PostgreSQL (pg_dump/pg_restore into a database created for the test) and on SQLite files."""

import io
import json
import sqlite3
import tarfile
import uuid
from contextlib import closing
from pathlib import Path

import psycopg2
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from psycopg2 import sql

from households.models import Household, HouseholdMember
from tests.factories import CountyFactory, HouseholdFactory, MemberFactory, TownshipFactory, VillageFactory

PHOTO = ("visits/2026/01/7-0123456789abcdef.jpg", b"\xff\xd8\xff\xe0 a visit photo")
WORKBOOK = ("imports/2026/县农户导入.xlsx", b"PK\x03\x04 an import file")


def _put_media() -> None:
    for name, content in (PHOTO, WORKBOOK):
        assert default_storage.save(name, ContentFile(content)) == name


def _assert_media_in(root: Path) -> None:
    assert {path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()} == (
        dict([PHOTO, WORKBOOK])
    )


def _backup(output_dir: Path, **options) -> Path:
    call_command("backup", output_dir=output_dir, stdout=io.StringIO(), **options)
    (archive,) = output_dir.glob("revitalization-*.tar")
    return archive


def _restore(archive: Path, **options) -> str:
    out = io.StringIO()
    call_command("restore", str(archive), stdout=out, **options)
    return out.getvalue()


# --- PostgreSQL ---------------------------------------------------------------------------------------------------


def _pg_url(name: str) -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _pg_connect(name: str):
    db = connection.settings_dict
    return psycopg2.connect(
        dbname=name,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
    )


@pytest.fixture
def fresh_database():
    """A database of its own, empty (from template0), dropped after the test."""
    name = f"revitalization_backup_{uuid.uuid4().hex[:12]}"
    with closing(_pg_connect("postgres")) as admin:
        admin.autocommit = True
        admin.cursor().execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with closing(_pg_connect("postgres")) as admin:
            admin.autocommit = True
            admin.cursor().execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


# pg_dump reads from its own connection: it sees committed rows only, hence a transactional test; serialized
# rollback brings back the migrations' rows (roles, parameters) that the flush after it removes.
@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_county_comes_back_whole_in_a_fresh_postgresql_database(settings, tmp_path, fresh_database):
    # given a county of 2 townships × 3 villages × 4 households, one with a second member, and two uploaded files
    county = CountyFactory()
    for township in TownshipFactory.create_batch(2, parent=county):
        for village in VillageFactory.create_batch(3, parent=township):
            HouseholdFactory.create_batch(4, managing_area=village)
    MemberFactory(household=Household.objects.first())
    _put_media()
    numbers = set(Household.objects.values_list("household_no", flat=True))
    id_numbers = set(HouseholdMember.objects.values_list("id_number", flat=True))
    assert (len(numbers), len(id_numbers)) == (24, 25)

    # when it is backed up, and restored into a new database with an empty media folder
    archive = _backup(tmp_path / "backups")
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    report = _restore(archive, database_url=_pg_url(fresh_database))

    # then the new database has every household and ID number, and the files are back
    with closing(_pg_connect(fresh_database)) as restored, restored.cursor() as cursor:
        cursor.execute("SELECT household_no FROM households_household")
        assert {row[0] for row in cursor.fetchall()} == numbers
        cursor.execute("SELECT id_number FROM households_householdmember")
        assert {row[0] for row in cursor.fetchall()} == id_numbers
    _assert_media_in(tmp_path / "restored-media")
    assert "农户：24 户（清单 24 户）" in report
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert (manifest["engine"], manifest["households"], manifest["media_files"]) == ("postgresql", 24, 2)
    assert "households.0001_initial" in manifest["migrations"]


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restore_into_the_running_postgresql_database_is_refused_without_force(tmp_path):
    HouseholdFactory()
    archive = _backup(tmp_path / "backups")

    with pytest.raises(CommandError, match=r"目标不是空的.*农户 1 户.*--force"):
        _restore(archive)

    assert Household.objects.count() == 1


# --- SQLite (no services) -----------------------------------------------------------------------------------------


def _sqlite_county(path: Path, households: int = 30) -> tuple[set[str], set[str]]:
    """A small registry in a SQLite file: the tables a restore is counted by, with their real names."""
    with closing(sqlite3.connect(path)) as db:
        db.executescript(
            """
            CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app TEXT, name TEXT, applied TEXT);
            CREATE TABLE households_household (id INTEGER PRIMARY KEY, household_no TEXT UNIQUE);
            CREATE TABLE households_householdmember (
                id INTEGER PRIMARY KEY, household_id INTEGER REFERENCES households_household, id_number TEXT
            );
            INSERT INTO django_migrations (app, name, applied) VALUES ('households', '0001_initial', '2026-01-01');
            """
        )
        numbers = [f"64032400{n:06d}" for n in range(households)]
        db.executemany("INSERT INTO households_household (id, household_no) VALUES (?, ?)", enumerate(numbers, 1))
        id_numbers = [f"64032419800517{n:04d}" for n in range(households)]
        db.executemany(
            "INSERT INTO households_householdmember (household_id, id_number) VALUES (?, ?)",
            enumerate(id_numbers, 1),
        )
        db.commit()
    return set(numbers), set(id_numbers)


def _sqlite_read(path: Path) -> tuple[set[str], set[str]]:
    with closing(sqlite3.connect(path)) as db:
        numbers = {row[0] for row in db.execute("SELECT household_no FROM households_household")}
        id_numbers = {row[0] for row in db.execute("SELECT id_number FROM households_householdmember")}
    return numbers, id_numbers


def test_a_sqlite_file_and_the_media_come_back_whole(settings, tmp_path):
    numbers, id_numbers = _sqlite_county(tmp_path / "source.sqlite3")
    _put_media()

    archive = _backup(tmp_path / "backups", database_url=f"sqlite:///{tmp_path / 'source.sqlite3'}")
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    report = _restore(archive, database_url=f"sqlite:///{tmp_path / 'restored.sqlite3'}")

    assert _sqlite_read(tmp_path / "restored.sqlite3") == (numbers, id_numbers)
    _assert_media_in(tmp_path / "restored-media")
    assert "农户：30 户（清单 30 户）" in report
    assert "请运行 manage.py migrate" in report  # the hand-made file has one migration of the code's many
    assert archive.stat().st_mode & 0o077 == 0  # ID numbers inside: the owner's only


def test_a_target_with_data_is_refused_and_left_alone_without_force(settings, tmp_path):
    _sqlite_county(tmp_path / "source.sqlite3", households=3)
    archive = _backup(tmp_path / "backups", database_url=f"sqlite:///{tmp_path / 'source.sqlite3'}")
    target = tmp_path / "other.sqlite3"
    _sqlite_county(target, households=5)

    with pytest.raises(CommandError, match=r"目标不是空的.*农户 5 户.*--force"):
        _restore(archive, database_url=f"sqlite:///{target}")
    assert len(_sqlite_read(target)[0]) == 5

    report = _restore(archive, database_url=f"sqlite:///{target}", force=True)
    assert len(_sqlite_read(target)[0]) == 3
    assert "农户：3 户（清单 3 户）" in report


def test_a_restore_that_counts_other_numbers_than_the_manifest_fails_loudly(tmp_path):
    _sqlite_county(tmp_path / "source.sqlite3", households=3)
    archive = _backup(tmp_path / "backups", database_url=f"sqlite:///{tmp_path / 'source.sqlite3'}")
    # the manifest says 4 households where the dump has 3
    forged = tmp_path / "forged.tar"
    with tarfile.open(archive) as source, tarfile.open(forged, "w") as target:
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(content)
                manifest["households"] = manifest["tables"]["households_household"] = 4
                content = json.dumps(manifest).encode()
                member.size = len(content)
            target.addfile(member, io.BytesIO(content))

    with pytest.raises(CommandError, match=r"与备份清单不符：农户 3 户，清单记 4 户.*households_household"):
        _restore(forged, database_url=f"sqlite:///{tmp_path / 'restored.sqlite3'}")


def test_a_damaged_dump_is_refused_before_anything_is_written(tmp_path):
    _sqlite_county(tmp_path / "source.sqlite3", households=3)
    archive = _backup(tmp_path / "backups", database_url=f"sqlite:///{tmp_path / 'source.sqlite3'}")
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name == "database.sqlite3":
                content = content[:-1] + bytes([content[-1] ^ 1])
            target.addfile(member, io.BytesIO(content))

    with pytest.raises(CommandError, match="校验值与清单不符"):
        _restore(damaged, database_url=f"sqlite:///{tmp_path / 'restored.sqlite3'}")
    assert not (tmp_path / "restored.sqlite3").exists()


def test_without_pg_dump_the_message_names_the_package(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # a folder without pg_dump

    with pytest.raises(CommandError, match="postgresql-client"):
        _backup(tmp_path / "backups", database_url="postgres://nobody@127.0.0.1:1/revitalization_backup_none")


def test_keep_leaves_the_newest_archives(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    for stamp in ("20260101T000000Z", "20260102T000000Z", "20260103T000000Z"):
        (folder / f"revitalization-{stamp}.tar").write_bytes(b"")
    (folder / "notes.txt").write_text("not an archive")
    _sqlite_county(tmp_path / "source.sqlite3", households=1)

    call_command(
        "backup",
        output_dir=folder,
        keep=2,
        database_url=f"sqlite:///{tmp_path / 'source.sqlite3'}",
        stdout=io.StringIO(),
    )

    names = sorted(path.name for path in folder.iterdir())
    assert names[0] == "notes.txt"
    assert names[1] == "revitalization-20260103T000000Z.tar"
    assert len(names) == 3  # the two oldest went, the new one came
