import sys

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db import InterfaceError, OperationalError
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, ListView, TemplateView

from approvision.storage import is_storage_outage
from organisations.forms import SearchForm
from organisations.import_views import CsvImportView, SchoolImportForm
from organisations.models import (
    LocalAuthority,
    School,
)
from organisations.school_import import school_import_apply, school_import_check


class SearchMixin:
    """A list's search box: `?q=` narrows the list through the view's `filter_by(queryset, q)`."""

    def searched(self, queryset):
        self.search = SearchForm(self.request.GET)
        if self.search.is_valid() and (q := self.search.cleaned_data["q"].strip()):
            return self.filter_by(queryset, q)
        return queryset

    def filter_by(self, queryset, q):
        return queryset

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "search": self.search}


class SchoolListView(PermissionRequiredMixin, SearchMixin, ListView):
    permission_required = "organisations.view_school"
    paginate_by = 25

    def get_queryset(self):
        queryset = self.searched(School.objects.visible_to(self.request.user).for_list())
        return queryset.order_by("name", "pk")

    def filter_by(self, queryset, q):
        return queryset.filter(
            Q(name__icontains=q) | Q(urn=q) | Q(laestab=q) | Q(postcode__istartswith=q)
        )


class SchoolDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "organisations.view_school"
    slug_field = "urn"
    slug_url_kwarg = "urn"

    def get_queryset(self):
        return School.objects.visible_to(self.request.user).for_list()


@method_decorator(login_not_required, name="dispatch")
class AccessibilityView(TemplateView):
    template_name = "organisations/accessibility.html"


API_ERRORS = {
    400: "The request could not be read: check the address and the body",
    403: "You may not do this",
    404: "Not found",
    413: "The request is too big: documents must be smaller than 10 MB",
    500: "Something went wrong on our side",
    503: "The service is unavailable. Try again shortly.",
}
STORAGE_ERROR = (
    "The document store is unavailable: no document was stored or read. Try again shortly."
)


def error_page(request, template: str, status: int, detail: str = "") -> HttpResponse:
    # The API answers in JSON, even for a URL no route matches.
    if request.path.startswith("/api/v1/") and not request.path.startswith("/api/v1/docs/"):
        return JsonResponse({"detail": detail or API_ERRORS[status]}, status=status)
    # Rendered without the request or context processors: an error page must not need the database.
    body = loader.get_template(template).render({"service_name": settings.SERVICE_NAME})
    return HttpResponse(body, status=status)


def error_400(request, exception=None):
    return error_page(request, "400.html", 400)


def error_403(request, exception=None):
    return error_page(request, "403.html", 403)


def error_404(request, exception=None):
    return error_page(request, "404.html", 404)


def error_500(request):
    # A database that cannot be reached is an outage, not a bug: say so, with a 503.
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        return error_page(request, "503.html", 503)
    # So is an object store that does not answer (a download, or a file a page writes).
    if is_storage_outage(error):
        response = error_page(request, "503-storage.html", 503, STORAGE_ERROR)
        response["Retry-After"] = "60"
        return response
    return error_page(request, "500.html", 500)


class SchoolImportView(PermissionRequiredMixin, CsvImportView):
    """An LA administrator loads or refreshes the LA's schools from the DfE register."""

    permission_required = "organisations.add_school"
    template_name = "organisations/school_import.html"
    kind = "schools"
    form_class = SchoolImportForm
    extras = ("groups",)

    def la(self) -> LocalAuthority:
        return LocalAuthority.objects.get(pk=self.request.user.membership.la_id)

    def check(self, content, groups=b""):
        return school_import_check(la=self.la(), content=content, groups=groups)

    def apply(self, content, groups=b""):
        checked = school_import_check(la=self.la(), content=content, groups=groups)
        if checked.ok:
            school_import_apply(la=self.la(), checked=checked)
        return checked

    def done_url(self):
        return reverse("organisations:school_list")
