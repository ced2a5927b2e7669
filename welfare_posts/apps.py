from django.apps import AppConfig


class WelfarePostsConfig(AppConfig):
    name = "welfare_posts"
    verbose_name = "公益性岗位"
