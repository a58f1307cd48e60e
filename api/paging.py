from django.core.paginator import Paginator
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

PAGE_SIZE_MESSAGE = "Give page_size as a whole number from 1 (at most 100 are sent)"


class Paging(PageNumberPagination):
    """25 a page; page_size asks for another size, capped at 100 (security bar G24). A page_size
    that is not a whole number of at least 1 is a 400, as the schema says, not quietly ignored."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100  # security bar G24
    # The list's count where the database keeps it (the view sets it), rather than a COUNT(*).
    known_count: int | None = None

    def django_paginator_class(self, object_list, per_page):
        paginator = Paginator(object_list, per_page)
        if self.known_count is not None:
            paginator.count = self.known_count
        return paginator

    def get_page_size(self, request):
        given = request.query_params.get(self.page_size_query_param)
        if given is None:
            return self.page_size
        try:
            size = int(given)
        except ValueError:
            raise ValidationError({"page_size": [PAGE_SIZE_MESSAGE]}) from None
        if size < 1:
            raise ValidationError({"page_size": [PAGE_SIZE_MESSAGE]})
        return min(size, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        given = request.query_params.get(self.page_query_param)
        if given is not None and not (given.isascii() and given.isdigit() and int(given) >= 1):
            raise ValidationError({"page": ["Give page as a whole number from 1"]})
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters
