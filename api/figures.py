"""The API's figures: the same numbers as the figures page, its CSVs and the board report, for
the caller's scope (the LA's as published; a school's or trust's own in full) and a period."""

from decimal import Decimal

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import SignedInWithOwnPassword
from reports.access import figures_scope
from reports.figures import TABLES, la_figures_recent, period_for, period_options, published


class MaySeeFigures(BasePermission):
    def has_permission(self, request, view):
        return request.user.has_perm("reports.view_figures")


def _cell(value):
    """Counts as numbers, rates as strings of two decimals, "c" and "x" as they are."""
    if isinstance(value, Decimal):
        return str(value)
    return value


class FigureTableSerializer(serializers.Serializer):
    title = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField())
    total = serializers.ListField(allow_null=True)
    note = serializers.CharField()


class FiguresSerializer(serializers.Serializer):
    scope = serializers.CharField(help_text="Whose figures: the LA's, a school's or a trust's")
    own = serializers.BooleanField(help_text="The caller's own figures, in full (not suppressed)")
    period = serializers.DictField()
    headline = serializers.DictField()
    ap = serializers.DictField()
    fair_access = serializers.DictField()
    tables = serializers.DictField(child=FigureTableSerializer())


class FiguresView(APIView):
    """The figures for a period: `period` is one of the keys the figures page offers."""

    permission_classes = [SignedInWithOwnPassword, MaySeeFigures]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "period",
                str,
                pattern=r"^(year-to-date|term|last-12-months|year-20[0-9]{2})$",
                description="year-to-date (the default), term, last-12-months, or year-YYYY "
                "for the school year starting in September YYYY",
            )
        ],
        responses={200: FiguresSerializer},
    )
    def get(self, request):
        scope = figures_scope(request.user)
        if scope is None:
            raise PermissionDenied("These figures are for local authority, school and trust staff")
        today = timezone.localdate()
        key = request.query_params.get("period")
        period = period_for(key, today) if key != "" else None
        if period is None:
            keys = ", ".join(p.key for p in period_options(today))
            raise ValidationError({"period": [f"Choose one of: {keys}"]})
        figures = published(
            la_figures_recent(
                scope.la, period, scope=scope.key, schools=scope.schools, full=scope.whole_la
            ),
            own=scope.own,
        )
        top = figures["headline"]
        return Response(
            {
                "scope": scope.name,
                "own": scope.own,
                "period": {
                    "key": period.key,
                    "label": period.label,
                    "first": period.first,
                    "last": period.last,
                },
                "headline": {
                    key: _cell(top[key])
                    for key in (
                        "on_roll",
                        "on_roll_source",
                        "suspensions",
                        "suspension_rate",
                        "permanent",
                        "permanent_rate",
                    )
                },
                "ap": {key: _cell(value) for key, value in figures["ap"].items()},
                "fair_access": figures["fair_access"],
                "tables": {
                    name: {
                        "title": table.title,
                        "columns": table.columns,
                        "rows": [[_cell(cell) for cell in row] for row in table.rows],
                        "total": [_cell(cell) for cell in table.total] if table.total else None,
                        "note": table.note,
                    }
                    for name in TABLES
                    if (table := figures.get(name)) is not None
                },
            }
        )
