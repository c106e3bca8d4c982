app_name = "public_tasks"

urlpatterns: list = []
