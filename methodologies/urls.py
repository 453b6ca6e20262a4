from rest_framework.routers import SimpleRouter

from methodologies.views import (
    EmissionFactorViewSet,
    GlobalWarmingPotentialViewSet,
    MethodologyViewSet,
)

router = SimpleRouter()
router.register("methodologies", MethodologyViewSet, basename="methodology")
router.register("emission-factors", EmissionFactorViewSet, basename="emission-factor")
router.register("global-warming-potentials", GlobalWarmingPotentialViewSet, basename="gwp")

urlpatterns = router.urls
