"""API v1: the same records, scoping, services and audit as the pages.

Every queryset starts from the model's `visible_to(user)`; a record outside it answers 404. Reads
of pupil-level records write one audit row per request. Updates need `If-Match` with the ETag
of the record read (a stale one answers 412).
"""

from operator import attrgetter

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, status, viewsets
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers as s
from api.filtering import FilterBackend, IdFilter, Ordering
from api.paging import Paging
from api.permissions import PASSWORD_TO_CHOOSE, SignedInWithOwnPassword
from audit.models import PupilRead
from audit.services import audit_pupil_read
from cases.fair_access.models import FairAccessCase
from cases.pupils.access import pupil_the_user_may_change
from cases.pupils.counts import LaCount, scope_kept_count
from cases.pupils.identifiers import upn_normalise
from cases.pupils.models import NAME_ORDER, Pupil
from cases.pupils.services import (
    DuplicatePupil,
    pupil_create,
    pupil_create_unplaced,
    pupil_update,
    school_with_urn,
)
from cases.referrals.access import is_referrers_school
from cases.referrals.models import Referral
from cases.referrals.services import referral_update
from organisations.models import ProviderOrganisation, School
from organisations.services import api_token_issue, totp_verify
from organisations.views.sign_in import locked_out
from panels.models import PanelMeeting
from placements.access import provider_only
from placements.commissioning.models import Placement
from placements.registers.models import ProviderReturn
from placements.registers.services import return_submit
from placements.reintegration.models import ReintegrationPlan
from placements.reviews.models import Review
from reports.models import Report


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = "Send If-Match with the ETag of the record you read"
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = "Someone else changed this record since you read it. Read it again and retry."
    default_code = "precondition_failed"


class RolePermission(BasePermission):
    """The role's model permission for the action: view, add, change (rows: `visible_to`)."""

    actions = {
        "GET": "view",
        "HEAD": "view",
        "OPTIONS": "view",
        "POST": "add",
        "PUT": "change",
        "PATCH": "change",
        "DELETE": "delete",
    }

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        model = view.queryset.model
        action = self.actions.get(request.method, "delete")
        needed = view.permissions.get(
            action, f"{model._meta.app_label}.{action}_{model._meta.model_name}"
        )
        return user.has_perm(needed)


class ChangePermission(RolePermission):
    """A step recorded by POST to an existing record needs the model's change permission."""

    actions = {**RolePermission.actions, "POST": "change"}


def etag(record) -> str:
    return f'"{record.pk}-{record.version}"'


# 400, 401, 403, 404 and 429 may answer any operation: api.errors.add_error_responses documents
# them on every one. Only updates answer these as well.
PRECONDITION_ERRORS = {
    412: OpenApiResponse(s.ErrorSerializer, description="If-Match does not match: stale copy"),
    428: OpenApiResponse(s.ErrorSerializer, description="If-Match is missing"),
}


class ApiViewSet(viewsets.GenericViewSet):
    permission_classes = [SignedInWithOwnPassword, RolePermission]
    pagination_class = Paging
    lookup_value_regex = r"[0-9]{1,18}"
    filter_backends = [FilterBackend, Ordering]
    ordering = ["pk"]
    # How to find the pupil of a record, for the read audit; None: not pupil-level.
    pupil_of = None
    # Where a page needs another permission than the model's own for an action, the same here.
    permissions: dict[str, str] = {}
    # The LaCount subject the database keeps this list's count under, if it does.
    kept_count_subject: str | None = None

    def get_queryset(self):
        return self.queryset.model.objects.visible_to(self.request.user).select_related(
            *self.related
        )

    related = ()

    def audit(self, records, action):
        if self.pupil_of is not None and records:
            audit_pupil_read(
                request=self.request,
                pupil_ids=[self.pupil_of(record) for record in records],
                action=action,
            )

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        self.paginator.known_count = self.kept_count(request)
        page = self.paginate_queryset(queryset)
        self.audit(page, PupilRead.Action.API_LIST)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    # Query parameters that leave a list's rows as they are: any other (a filter, a search, or
    # one the filters ignore) and the list is counted.
    UNFILTERED = frozenset({"page", "page_size", "ordering"})

    def kept_count(self, request) -> int | None:
        """The whole list's count from the counts the database keeps (LaCount), when the list is
        not filtered and the user's scope is one it keeps; None: the paginator counts."""
        if self.kept_count_subject is None or set(request.query_params) - self.UNFILTERED:
            return None
        return scope_kept_count(request.user, self.kept_count_subject)

    def retrieve(self, request, *args, **kwargs):
        record = self.get_object()
        self.audit([record], PupilRead.Action.API_GET)
        response = Response(self.get_serializer(record).data)
        if hasattr(record, "version"):
            response["ETag"] = etag(record)
        return response

    def versioned_update(self, record, given_as, change):
        """PATCH a versioned record: If-Match first, then the fields, then the service (which
        locks the row and checks the version again); the answer carries the new ETag. A rule the
        service refuses (Refused, StaleVersion) is answered by api.errors as 400 or 412."""
        version = self.check_if_match(record)
        given = given_as(record, data=self.request.data, partial=True)
        given.is_valid(raise_exception=True)
        record = change(record, by=self.request.user, version=version, **given.validated_data)
        record = self.get_queryset().get(pk=record.pk)
        response = Response(self.get_serializer(record).data)
        response["ETag"] = etag(record)
        return response

    def check_if_match(self, record):
        given = self.request.headers.get("If-Match")
        if not given:
            raise PreconditionRequired()
        if given.strip().removeprefix("W/") != etag(record):
            raise PreconditionFailed()
        return record.version


def read_schema(serializer):
    return extend_schema_view(
        list=extend_schema(responses={200: serializer(many=True)}),
        retrieve=extend_schema(responses={200: serializer}),
    )


def create_schema(request, response):
    return extend_schema(request=request, responses={201: response})


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag the record was read with (GET answers it): a stale copy gets 412",
)


def update_schema(request, response):
    return extend_schema(
        request=request,
        responses={200: response, **PRECONDITION_ERRORS},
        parameters=[IF_MATCH],
    )


class PupilFilter(filters.FilterSet):
    upn = filters.CharFilter(method="by_upn", help_text="The UPN (any case, spaces ignored)")
    q = filters.CharFilter(
        method="by_words", help_text="Words of a name (each must match), or a UPN, as on the page"
    )
    sen_status = filters.ChoiceFilter(choices=Pupil.SenStatus.choices)

    class Meta:
        model = Pupil
        fields = ["upn", "sen_status", "looked_after"]

    def by_upn(self, queryset, name, value):
        return queryset.filter(upn=upn_normalise(value))

    def by_words(self, queryset, name, value):
        return queryset.search(value)


@read_schema(s.PupilSerializer)
class PupilViewSet(ApiViewSet):
    queryset = Pupil.objects.all()
    serializer_class = s.PupilSerializer
    filterset_class = PupilFilter
    ordering_fields = ["legal_last_name", "date_of_birth", "created_at", "pk"]
    related = ("la", "home_la")
    http_method_names = ["get", "post", "patch", "head", "options"]

    pupil_of = attrgetter("pk")
    kept_count_subject = LaCount.Subject.PUPILS

    @property
    def ordering(self):
        """Name order by default; a search (?q=) keeps the order Pupil search gives."""
        request = getattr(self, "request", None)
        searched = request is not None and request.query_params.get("q", "").strip()
        return () if searched else NAME_ORDER

    def get_queryset(self):
        return super().get_queryset().for_list().select_related("home_la")

    @create_schema(s.PupilCreateSerializer, s.PupilSerializer)
    def create(self, request):
        given = s.PupilCreateSerializer(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        try:
            if data.get("school"):
                pupil = self._on_roll(request.user, data)
            else:
                pupil = self._without_a_school(request.user, data)
        except DuplicatePupil as error:
            raise exceptions.ValidationError(
                {"upn": ["A pupil with this UPN is already recorded"]}
            ) from error
        pupil = self.get_queryset().get(pk=pupil.pk)
        response = Response(s.PupilSerializer(pupil).data, status=status.HTTP_201_CREATED)
        response["ETag"] = etag(pupil)
        return response

    @staticmethod
    def _on_roll(user, data):
        school = School.objects.visible_to(user).filter(urn=data.pop("school")).first()
        if school is None:
            raise exceptions.ValidationError(
                {"school": ["No school you may add pupils to has that URN"]}
            )
        for name in s.NEW_TO_AREA_FIELDS:
            data.pop(name, None)
        return pupil_create(by=user, school=school, joined_on=data.pop("joined_on"), **data)

    @staticmethod
    def _without_a_school(user, data):
        membership = user.membership_or_none()
        if membership is None or membership.la_id is None:
            raise exceptions.ValidationError(
                {"school": ["Give the URN of the school whose roll the pupil is on"]}
            )
        data.pop("school", None)
        data.pop("joined_on", None)
        urn = data.pop("last_school", "")
        if urn:
            data["last_school"] = school_with_urn(urn)
            if data["last_school"] is None:
                raise exceptions.ValidationError(
                    {"last_school": ["No school has that URN: write it in last_school_elsewhere"]}
                )
        return pupil_create_unplaced(by=user, la=membership.la, **data)

    @update_schema(s.PupilUpdateSerializer, s.PupilSerializer)
    def partial_update(self, request, pk=None):
        pupil = pupil_the_user_may_change(request.user, pk)  # DRF answers its refusal with 403
        return self.versioned_update(
            pupil, s.PupilUpdateSerializer, lambda record, **c: pupil_update(pupil=record, **c)
        )


def by_id(field: str, help_text: str):
    """Filter by an id as a number: an id the user cannot see gives an empty list, not an error
    that would say whether it exists."""
    return IdFilter(field_name=field, help_text=help_text)


def filter_for(model, fields: list[str], ids: list[str]):
    """A FilterSet on `fields`, the foreign keys among them (`ids`) taken as plain numbers."""
    attrs = {name: by_id(f"{name}_id", f"The {name}'s id") for name in ids}
    attrs["Meta"] = type("Meta", (), {"model": model, "fields": fields})
    return type(f"{model.__name__}Filter", (filters.FilterSet,), attrs)


@read_schema(s.ReferralSerializer)
class ReferralViewSet(ApiViewSet):
    queryset = Referral.objects.all()
    serializer_class = s.ReferralSerializer
    filterset_class = filter_for(Referral, ["pupil", "state", "reason"], ids=["pupil"])
    ordering_fields = ["created_at", "submitted_at", "pk"]
    ordering = ["-created_at", "-pk"]
    related = ("school",)
    http_method_names = ["get", "patch", "head", "options"]
    # The referring school changes its draft, as on its edit page (LA officers triage instead).
    permissions = {"change": "cases.add_referral"}

    pupil_of = attrgetter("pupil_id")

    @update_schema(s.ReferralSerializer, s.ReferralSerializer)
    def partial_update(self, request, pk=None):
        referral = self.get_object()
        if not is_referrers_school(request.user, referral):
            raise exceptions.PermissionDenied("Only the referring school changes its referral")
        return self.versioned_update(
            referral,
            s.ReferralSerializer,
            lambda record, **c: referral_update(referral=record, **c),
        )


@read_schema(s.PanelMeetingSerializer)
class PanelMeetingViewSet(ApiViewSet):
    queryset = PanelMeeting.objects.all()
    serializer_class = s.PanelMeetingSerializer
    filterset_fields = ["status", "date"]
    ordering_fields = ["date", "pk"]
    ordering = ["-date", "-pk"]


@read_schema(s.FairAccessCaseSerializer)
class FairAccessCaseViewSet(ApiViewSet):
    queryset = FairAccessCase.objects.all()
    serializer_class = s.FairAccessCaseSerializer
    filterset_class = filter_for(FairAccessCase, ["state", "phase", "pupil"], ids=["pupil"])
    ordering_fields = ["referred_on", "allocation_due", "pk"]
    ordering = ["-referred_on", "-pk"]

    pupil_of = attrgetter("pupil_id")


@read_schema(s.PlacementSerializer)
class PlacementViewSet(ApiViewSet):
    queryset = Placement.objects.all()
    serializer_class = s.PlacementSerializer
    filterset_class = filter_for(
        Placement, ["state", "provider", "pupil", "tier", "funding"], ids=["provider", "pupil"]
    )
    ordering_fields = ["start_date", "next_review_due", "pk"]
    ordering = ["-start_date", "-pk"]
    related = ("school",)

    pupil_of = attrgetter("pupil_id")


class _OfPlacement(ApiViewSet):
    """Returns, reviews and plans (each scoped through its placement)."""

    related = ("placement",)
    pupil_of = attrgetter("placement.pupil_id")


@read_schema(s.ProviderReturnSerializer)
class ProviderReturnViewSet(_OfPlacement):
    queryset = ProviderReturn.objects.all()
    serializer_class = s.ProviderReturnSerializer
    filterset_class = filter_for(ProviderReturn, ["placement", "period"], ids=["placement"])
    ordering_fields = ["period_start", "pk"]
    ordering = ["-period_start", "-pk"]
    http_method_names = ["get", "post", "head", "options"]

    @create_schema(s.ProviderReturnSerializer, s.ProviderReturnSerializer)
    def create(self, request):
        given = s.ProviderReturnSerializer(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        placement = data.pop("placement")
        try:
            provider_only(request.user, placement)
        except PermissionDenied as error:
            raise exceptions.PermissionDenied("Only the provider sends its returns") from error
        sent = return_submit(placement=placement, by=request.user, **data)
        return Response(s.ProviderReturnSerializer(sent).data, status=status.HTTP_201_CREATED)


@read_schema(s.ReviewSerializer)
class ReviewViewSet(_OfPlacement):
    queryset = Review.objects.all()
    serializer_class = s.ReviewSerializer
    filterset_class = filter_for(Review, ["placement", "decision"], ids=["placement"])
    ordering_fields = ["held_on", "pk"]
    ordering = ["-held_on", "-pk"]


@read_schema(s.ReintegrationPlanSerializer)
class ReintegrationPlanViewSet(_OfPlacement):
    queryset = ReintegrationPlan.objects.all()
    serializer_class = s.ReintegrationPlanSerializer
    filterset_class = filter_for(ReintegrationPlan, ["placement", "status"], ids=["placement"])
    ordering_fields = ["target_date", "pk"]
    related = ("placement", "school")


@read_schema(s.ProviderSerializer)
class ProviderViewSet(ApiViewSet):
    queryset = ProviderOrganisation.objects.all()
    serializer_class = s.ProviderSerializer
    filterset_fields = ["kind"]
    ordering_fields = ["name", "pk"]
    ordering = ["name", "pk"]
    related = ("la",)


@read_schema(s.SchoolSerializer)
class SchoolViewSet(ApiViewSet):
    queryset = School.objects.all()
    serializer_class = s.SchoolSerializer
    filterset_fields = ["urn", "phase", "type", "is_open"]
    ordering_fields = ["name", "urn", "pk"]
    ordering = ["name", "pk"]
    related = ("la", "trust")


@read_schema(s.ReportSerializer)
class ReportViewSet(ApiViewSet):
    queryset = Report.objects.all()
    serializer_class = s.ReportSerializer
    filterset_fields = ["kind", "status"]
    ordering_fields = ["requested_at", "pk"]
    ordering = ["-requested_at", "-pk"]


class TokenView(APIView):
    """Exchange a username, password and current TOTP code for an API token."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    @extend_schema(
        request=s.TokenRequestSerializer,
        responses={201: s.TokenSerializer},
        auth=[],
    )
    def post(self, request):
        given = s.TokenRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        # django-axes counts failures per username and IP and answers 429 once locked.
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if getattr(request._request, "axes_locked_out", False):
            return locked_out(request._request)
        if user is None or not totp_verify(
            user=user, code=data["otp_token"], request=request._request
        ):
            raise exceptions.AuthenticationFailed("The username, password or code is not right")
        if user.must_change_password:
            raise exceptions.PermissionDenied(PASSWORD_TO_CHOOSE)
        token, key = api_token_issue(user=user, name=data.get("name", ""))
        return Response(
            {"token": key, "expires_at": token.expires_at}, status=status.HTTP_201_CREATED
        )

    def get_authenticate_header(self, request):
        return "Token"
