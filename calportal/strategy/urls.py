app_name = "strategy"

urlpatterns: list = []
