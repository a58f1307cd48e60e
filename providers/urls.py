from django.urls import path

from providers import views

app_name = "providers"

urlpatterns = [
    path("providers/", views.ProviderListView.as_view(), name="list"),
    path("providers/<int:pk>/", views.ProviderDetailView.as_view(), name="detail"),
    path(
        "providers/<int:pk>/due-diligence/",
        views.DueDiligenceAddView.as_view(),
        name="due_diligence_add",
    ),
    path("providers/<int:pk>/sites/add/", views.SiteAddView.as_view(), name="site_add"),
]
