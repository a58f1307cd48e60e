"""The API's exclusions: recorded, read with their statutory clocks, and moved on through the
steps after them by the same service as the pages (docs/clocks.md)."""

from operator import attrgetter

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api import serializers as s
from api.permissions import SignedInWithOwnPassword
from api.views import (
    IF_MATCH,
    PRECONDITION_ERRORS,
    ApiViewSet,
    ChangePermission,
    by_id,
    create_schema,
    etag,
    read_schema,
)
from cases.exclusions.access import recording_school
from cases.exclusions.models import Exclusion
from cases.exclusions.services import exclusion_record, exclusion_transition
from cases.pupils.counts import LaCount


class ExclusionFilter(filters.FilterSet):
    pupil = by_id("pupil_id", "A pupil's id")
    school = filters.CharFilter(field_name="school__urn", help_text="The school's URN")
    started_after = filters.DateFilter(field_name="start_date", lookup_expr="gte")
    started_before = filters.DateFilter(field_name="start_date", lookup_expr="lte")

    class Meta:
        model = Exclusion
        fields = ["pupil", "kind", "state", "school", "started_after", "started_before"]


@read_schema(s.ExclusionSerializer)
class ExclusionViewSet(ApiViewSet):
    queryset = Exclusion.objects.all()
    serializer_class = s.ExclusionSerializer
    filterset_class = ExclusionFilter
    ordering_fields = ["start_date", "recorded_at", "pk"]
    ordering = ["-start_date", "-pk"]
    related = ("school",)
    http_method_names = ["get", "post", "head", "options"]

    pupil_of = attrgetter("pupil_id")
    kept_count_subject = LaCount.Subject.EXCLUSIONS

    def get_serializer_class(self):
        return s.ExclusionDetailSerializer if self.action == "retrieve" else s.ExclusionSerializer

    @extend_schema(responses={200: s.ExclusionDetailSerializer})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request=s.ExclusionStepSerializer,
        responses={200: s.ExclusionDetailSerializer, **PRECONDITION_ERRORS},
        parameters=[IF_MATCH],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="steps",
        permission_classes=[SignedInWithOwnPassword, ChangePermission],
    )
    def steps(self, request, pk=None):
        """Record a step after the exclusion (the board's decision and its notice, a review asked
        for or decided, a reconsideration, a cancellation), as its page does."""
        exclusion = self.get_object()
        version = self.check_if_match(exclusion)
        given = s.ExclusionStepSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        exclusion = exclusion_transition(
            exclusion=exclusion,
            by=request.user,
            version=version,
            to=data["to"],
            on=data["on"],
            note=data.get("note", ""),
            outcome=data.get("outcome", ""),
            notice_sent_on=data.get("notice_sent_on"),
            notice_method=data.get("notice_method", ""),
        )
        record = self.get_queryset().get(pk=exclusion.pk)
        response = Response(s.ExclusionDetailSerializer(record).data)
        response["ETag"] = etag(record)
        return response

    @create_schema(s.ExclusionSerializer, s.ExclusionSerializer)
    def create(self, request):
        given = s.ExclusionSerializer(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        pupil = data.pop("pupil")
        # As on the page: only the school whose roll the pupil is on (or the LA) records it.
        school = recording_school(request.user, pupil)
        if school is None:
            raise exceptions.ValidationError(
                {"pupil": ["You can only record exclusions of pupils on your school's roll"]}
            )
        exclusion = exclusion_record(by=request.user, pupil=pupil, school=school, **data)
        return Response(s.ExclusionSerializer(exclusion).data, status=status.HTTP_201_CREATED)
