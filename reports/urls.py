from django.urls import path

from reports import base_views, census_views, figure_views, report_views, views

app_name = "reports"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("figures/", figure_views.FiguresView.as_view(), name="figures"),
    path("figures/bases/", base_views.BasesView.as_view(), name="bases"),
    path("figures/bases/enter/", base_views.SchoolCountsView.as_view(), name="bases_enter"),
    path("figures/bases/import/", base_views.BasesImportView.as_view(), name="bases_import"),
    path("reports/", report_views.ReportListView.as_view(), name="list"),
    path("reports/<int:pk>/", report_views.ReportDetailView.as_view(), name="detail"),
    path(
        "reports/<int:pk>/download/",
        report_views.ReportDownloadView.as_view(),
        name="download",
    ),
    path(
        "reports/export/<slug:table>.csv",
        report_views.TableExportView.as_view(),
        name="export",
    ),
    path("reports/ap-census/", census_views.ApCensusView.as_view(), name="ap_census"),
    path("reports/school-census/", census_views.SchoolCensusView.as_view(), name="school_census"),
]
