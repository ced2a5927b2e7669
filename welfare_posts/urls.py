app_name = "welfare_posts"

urlpatterns: list = []
