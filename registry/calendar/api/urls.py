from rest_framework.routers import SimpleRouter

from registry.calendar.api.views import CalendarYearViewSet

router = SimpleRouter()
router.register("calendar-years", CalendarYearViewSet, basename="calendar-year")

urlpatterns = router.urls
