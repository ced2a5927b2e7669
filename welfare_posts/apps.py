from django.apps import AppConfig


class WelfarePostsConfig(AppConfig):
    name = "welfare_posts"
    verbose_name = "公益性岗位"

    def ready(self) -> None:
        from monitoring.measure_records import register
        from welfare_posts.measure_records import post_records

        register(post_records)
