app_name = "credit"

urlpatterns: list = []
