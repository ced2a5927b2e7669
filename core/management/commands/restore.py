"""``manage.py restore ARCHIVE [--database-url URL] [--force]``: an archive of ``manage.py backup`` back into the
configured database (or another) and the media folder, counted against its manifest (README "Backups")."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from core.backup import BackupError, Database, backup_restore


class Command(BaseCommand):
    help = (
        "从 manage.py backup 的归档恢复数据库和媒体文件夹，并按清单核对每张表的行数。"
        "目标须是新建的空数据库；要覆盖已有数据请加 --force（先停下 web、worker 和 beat）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="备份归档（.tar）")
        parser.add_argument("--database-url", default="", help="恢复到另一个数据库（默认本程序配置的数据库）")
        parser.add_argument(
            "--force", action="store_true", help="目标已有数据时仍恢复（覆盖），或备份来自更新的程序版本时仍恢复"
        )

    def handle(self, *args: Any, archive: Path, database_url: str, force: bool, **options: Any) -> None:
        media_root = Path(str(settings.MEDIA_ROOT))
        try:
            database = (
                Database.from_url(database_url)
                if database_url
                else Database.from_settings(connections[DEFAULT_DB_ALIAS].settings_dict)
            )
            connections.close_all()  # this process's own connection must not hold locks the restore waits for
            restored = backup_restore(archive=archive, database=database, media_root=media_root, force=force)
        except BackupError as exc:
            raise CommandError(f"恢复失败：{exc}") from exc
        manifest, census = restored.manifest, restored.census
        revision = f"（{manifest.git_revision[:12]}）" if manifest.git_revision else ""
        self.stdout.write(self.style.SUCCESS(f"已从 {archive} 恢复到 {database}。"))
        self.stdout.write(f"  备份时间：{manifest.created_at}，程序版本 {manifest.app_version or '未知'}{revision}")
        self.stdout.write(
            f"  农户：{census.households} 户（清单 {manifest.households} 户）；"
            f"{len(manifest.tables)} 张表的行数都与清单一致"
        )
        self.stdout.write(f"  媒体文件：{restored.media_files} 个，恢复到 {media_root}")
        if restored.unknown_migrations:
            self.stdout.write(
                self.style.WARNING(
                    f"备份有 {len(restored.unknown_migrations)} 个本程序不认识的迁移（--force）："
                    "请换用备份时的程序版本。"
                )
            )
        if restored.extra_tables:
            self.stdout.write(
                self.style.WARNING(
                    f"目标里还留着备份中没有的 {len(restored.extra_tables)} 张表（如 {restored.extra_tables[0]}，"
                    "--force 时原有的）：迁移可能因此失败，最好恢复到新建的空数据库。"
                )
            )
        if restored.pending_migrations:
            self.stdout.write(
                self.style.WARNING(
                    f"本程序有 {len(restored.pending_migrations)} 个迁移尚未应用到恢复的数据库："
                    "请运行 manage.py migrate。"
                )
            )
