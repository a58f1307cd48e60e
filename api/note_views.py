"""The API's case notes: read (a restricted note only by the local authority; anyone else gets
404, as on the page), written and corrected by their author through the same services."""

from operator import attrgetter

from django_filters import rest_framework as filters
from rest_framework import exceptions, status
from rest_framework.response import Response

from api import serializers as s
from api.views import ApiViewSet, by_id, create_schema, etag, read_schema, update_schema
from cases.casework.access import may_edit_note
from cases.casework.models import CaseNote
from cases.casework.services import note_add, note_edit


class CaseNoteFilter(filters.FilterSet):
    pupil = by_id("pupil_id", "A pupil's id")
    happened_after = filters.DateFilter(field_name="happened_on", lookup_expr="gte")
    happened_before = filters.DateFilter(field_name="happened_on", lookup_expr="lte")

    class Meta:
        model = CaseNote
        fields = ["pupil", "kind", "restricted", "happened_after", "happened_before"]


@read_schema(s.CaseNoteSerializer)
class CaseNoteViewSet(ApiViewSet):
    queryset = CaseNote.objects.all()
    serializer_class = s.CaseNoteSerializer
    filterset_class = CaseNoteFilter
    ordering_fields = ["happened_on", "created_at", "pk"]
    ordering = ["-happened_on", "-created_at", "-pk"]
    related = ("author",)
    http_method_names = ["get", "post", "patch", "head", "options"]

    pupil_of = attrgetter("pupil_id")

    @create_schema(s.CaseNoteSerializer, s.CaseNoteSerializer)
    def create(self, request):
        given = s.CaseNoteSerializer(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        note = note_add(by=request.user, **given.validated_data)
        note = self.get_queryset().get(pk=note.pk)
        response = Response(s.CaseNoteSerializer(note).data, status=status.HTTP_201_CREATED)
        response["ETag"] = etag(note)
        return response

    @update_schema(s.CaseNoteUpdateSerializer, s.CaseNoteSerializer)
    def partial_update(self, request, pk=None):
        note = self.get_object()
        if not may_edit_note(request.user, note):
            raise exceptions.PermissionDenied(
                "Only the note's author can correct it: add a new note instead"
            )
        return self.versioned_update(
            note, s.CaseNoteUpdateSerializer, lambda record, **c: note_edit(note=record, **c)
        )
