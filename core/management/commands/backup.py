"""``manage.py backup [--output-dir DIR] [--keep N] [--database-url URL]``: the database, the media folder and a
manifest in one archive (README "Backups"). The work is in ``core.backup``; this command parses options and prints."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from core.backup import BackupError, Database, backup_create, backup_prune


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


class Command(BaseCommand):
    help = "备份数据库（PostgreSQL 用 pg_dump 一次快照，SQLite 用在线备份）和媒体文件夹，连同清单写成一个 .tar 归档。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output-dir", type=Path, help=f"归档目录（默认 BACKUP_DIR 设置：{settings.BACKUP_DIR}）")
        parser.add_argument("--keep", type=int, default=0, help="备份后只保留最新的 N 个归档（默认全部保留）")
        parser.add_argument("--database-url", default="", help="备份另一个数据库（默认本程序配置的数据库）")

    def handle(self, *args: Any, output_dir: Path | None, keep: int, database_url: str, **options: Any) -> None:
        if keep < 0:
            raise CommandError("--keep 不能是负数。")
        folder = output_dir or Path(str(settings.BACKUP_DIR))
        try:
            database = (
                Database.from_url(database_url)
                if database_url
                else Database.from_settings(connections[DEFAULT_DB_ALIAS].settings_dict)
            )
            made = backup_create(
                database=database, media_root=Path(str(settings.MEDIA_ROOT)), output_dir=folder, now=timezone.now()
            )
            pruned = backup_prune(output_dir=folder, keep=keep)
        except BackupError as exc:
            raise CommandError(f"备份失败：{exc}") from exc
        manifest = made.manifest
        households = "无农户表" if manifest.households is None else f"农户 {manifest.households} 户"
        version = manifest.app_version + (f"（{manifest.git_revision[:12]}）" if manifest.git_revision else "")
        self.stdout.write(self.style.SUCCESS(f"已备份到 {made.path}（{megabytes(made.path.stat().st_size)}）。"))
        self.stdout.write(
            f"  数据库：{database}（{manifest.engine} {manifest.server_version}），{len(manifest.tables)} 张表，"
            f"{households}，已应用迁移 {len(manifest.migrations)} 个"
        )
        self.stdout.write(f"  媒体文件：{manifest.media_files} 个（{megabytes(manifest.media_bytes)}）")
        self.stdout.write(f"  程序版本：{version or '未知'}")
        for path in pruned:
            self.stdout.write(f"已删除较旧的归档 {path.name}（--keep {keep}）。")
