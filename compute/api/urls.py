from rest_framework.routers import SimpleRouter

from compute.api.views import DataCentreViewSet

router = SimpleRouter()
router.register("data-centres", DataCentreViewSet, basename="data-centre")

urlpatterns = router.urls
