"""(being written: issue 12)"""

urlpatterns: list = []
