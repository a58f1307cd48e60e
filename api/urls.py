from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from api import exclusion_views, figures, note_views, views

app_name = "api"

router = SimpleRouter()
router.register("pupils", views.PupilViewSet, basename="pupil")
router.register("exclusions", exclusion_views.ExclusionViewSet, basename="exclusion")
router.register("case-notes", note_views.CaseNoteViewSet, basename="casenote")
router.register("referrals", views.ReferralViewSet, basename="referral")
router.register("panel-meetings", views.PanelMeetingViewSet, basename="panelmeeting")
router.register("fair-access-cases", views.FairAccessCaseViewSet, basename="fairaccesscase")
router.register("placements", views.PlacementViewSet, basename="placement")
router.register("provider-returns", views.ProviderReturnViewSet, basename="providerreturn")
router.register("reviews", views.ReviewViewSet, basename="review")
router.register("reintegration-plans", views.ReintegrationPlanViewSet, basename="reintegrationplan")
router.register("providers", views.ProviderViewSet, basename="provider")
router.register("schools", views.SchoolViewSet, basename="school")
router.register("reports", views.ReportViewSet, basename="report")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("figures/", figures.FiguresView.as_view(), name="figures"),
    *router.urls,
]

# The API answers 401 itself (DRF) rather than redirecting to the sign-in page.
for pattern in urlpatterns:
    login_not_required(pattern.callback)
