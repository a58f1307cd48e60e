"""The API's filters: django-filter's, except that a filter named with no value (`?state=`), or a
yes/no filter given anything but true or false, is a 400 as the schema says, rather than quietly
ignored (hardening finding 9); and ordering is documented as the list of fields it takes."""

from django import forms
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 2**63 - 1})
class IdFilter(filters.NumberFilter):
    """A record's id as a whole number. An id the user cannot see gives an empty list, not an
    error that would say whether it exists."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=2**63 - 1, **kwargs)


class FilterBackend(filters.DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is not None:
            errors = {}
            for name, kind in filterset.filters.items():
                given = request.query_params.getlist(name)
                if "" in given:
                    errors[name] = ["Give a value, or leave this filter out"]
                elif isinstance(kind, filters.BooleanFilter) and set(given) - {"true", "false"}:
                    errors[name] = ["Give true or false"]
            if errors:
                raise ValidationError(errors)
        return super().filter_queryset(request, queryset, view)


class Ordering(OrderingFilter):
    """DRF's ordering, documented as the fields it takes, each either way round (`-` first for
    newest or largest first); one field, and any other value is a 400, not quietly ignored."""

    def get_ordering(self, request, queryset, view):
        if self.ordering_param in request.query_params:
            given = request.query_params.getlist(self.ordering_param)
            fields = [name for name, _ in self.get_valid_fields(queryset, view, {})]
            if len(given) != 1 or given[0].removeprefix("-") not in fields:
                raise ValidationError(
                    {self.ordering_param: [f"Order by one of {', '.join(fields)}, or - and one"]}
                )
        return super().get_ordering(request, queryset, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        fields = [name for name, _ in self.get_valid_fields(view.get_queryset(), view, {})]
        for parameter in parameters:
            parameter["schema"]["enum"] = [f"{sign}{name}" for name in fields for sign in ("", "-")]
        return parameters


NOT_FILTERS = {"page", "page_size", "ordering"}


def document_filter_values(result, generator, request, public):
    """drf-spectacular hook: each filter's documented value has at least one character, as the
    backend above requires (an empty value is a 400)."""
    for operations in result["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if (
                    parameter.get("in") == "query"
                    and parameter["name"] not in NOT_FILTERS
                    and schema.get("type") == "string"
                    and "enum" not in schema
                ):
                    schema.setdefault("minLength", 1)
    return result
