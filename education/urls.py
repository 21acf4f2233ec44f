app_name = "education"

urlpatterns = []
