"""What each resource shows. Field sets are fixed and tested (security bar G3): scope fields such
as `la`, `school` or `is_staff` are never writable, and directors reach no pupil-level resource."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.casework.models import CaseNote
from cases.exclusions.models import Deadline, Exclusion, ExclusionReason
from cases.fair_access.models import FairAccessCase
from cases.pupils.identifiers import upn_validator
from cases.pupils.models import Pupil
from cases.pupils.services import PUPIL_EDITABLE_FIELDS, PUPIL_WHEREABOUTS_FIELDS
from cases.referrals.models import Referral
from cases.referrals.services import REFERRAL_FIELDS
from organisations.models import ProviderOrganisation, School
from panels.models import PanelMeeting
from placements.commissioning.models import Placement
from placements.registers.models import ProviderReturn
from placements.reintegration.models import ReintegrationPlan
from placements.reviews.models import Review
from reports.models import Report


class ErrorSerializer(serializers.Serializer):
    """Every error: `detail` for the request as a whole, or a list of messages per field."""

    detail = serializers.CharField(required=False)


class SchoolSerializer(serializers.ModelSerializer):
    la = serializers.CharField(source="la.code", read_only=True)
    trust = serializers.CharField(
        source="trust.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = School
        fields = [
            "id",
            "urn",
            "laestab",
            "name",
            "phase",
            "type",
            "la",
            "trust",
            "postcode",
            "pupils_on_roll",
            "is_open",
        ]
        read_only_fields = fields


class ProviderSerializer(serializers.ModelSerializer):
    la = serializers.CharField(source="la.code", read_only=True)

    class Meta:
        model = ProviderOrganisation
        fields = ["id", "name", "kind", "la", "urn", "ukprn"]
        read_only_fields = fields


# A child without a school place: where they live and where they came from (cases/pupils).
NEW_TO_AREA_FIELDS = ["home_postcode", "arrived_on", "last_school", "last_school_elsewhere"]


class PupilSerializer(serializers.ModelSerializer):
    la = serializers.CharField(source="la.code", read_only=True)
    current_school = serializers.SerializerMethodField()
    home_la = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text="The DfE code of the home LA, if different",
    )

    last_school = serializers.SlugRelatedField(
        slug_field="urn",
        read_only=True,
        allow_null=True,
        help_text="The URN of their last school before here, for a child without a school place",
    )

    class Meta:
        model = Pupil
        fields = [
            "id",
            "upn",
            "la",
            *PUPIL_EDITABLE_FIELDS,
            "current_school",
            *NEW_TO_AREA_FIELDS,
            "version",
        ]
        read_only_fields = [
            "id",
            "upn",
            "la",
            "home_la",
            "current_school",
            *NEW_TO_AREA_FIELDS,
            "version",
        ]

    def get_current_school(self, pupil) -> str | None:
        """The URN of the school whose roll the pupil is on now."""
        enrolments = getattr(pupil, "current_enrolments", None)
        if enrolments is None:
            enrolments = list(
                pupil.enrolments.filter(left_on__isnull=True).select_related("school")
            )
        return enrolments[0].school.urn if enrolments else None


@extend_schema_field(
    {
        "type": "string",
        "maxLength": 20,
        # As upn_normalise reads it: spaces anywhere, any case. The first letter is a check
        # letter, which a pattern cannot express: a UPN of this shape may still be refused.
        "pattern": r"^\s*[A-Za-z]( *[0-9]){11} *[0-9A-Za-z]\s*$",
        "description": "A letter, 11 digits, then a digit or (a temporary UPN) a letter; "
        "spaces and case are ignored",
    }
)
class UpnField(serializers.CharField):
    def __init__(self, **kwargs):
        super().__init__(max_length=20, validators=[upn_validator], **kwargs)


class PupilCreateSerializer(PupilSerializer):
    """A pupil on a school's roll (school and joined_on), or, for the LA's officers, a child
    without a school place (home_postcode, with arrived_on and their last school if known; a
    temporary UPN is given when none is sent)."""

    upn = UpnField(required=False)  # none for a child from abroad: a temporary one is given
    school = serializers.CharField(
        write_only=True, required=False, help_text="The URN of the school (none: no school place)"
    )
    joined_on = serializers.DateField(write_only=True, required=False)
    home_postcode = serializers.CharField(max_length=10, required=False, allow_blank=True)
    arrived_on = serializers.DateField(required=False, allow_null=True)
    last_school = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="The URN of their last school, if it is one the service holds",
    )
    last_school_elsewhere = serializers.CharField(max_length=200, required=False, allow_blank=True)

    class Meta(PupilSerializer.Meta):
        fields = [*PupilSerializer.Meta.fields, "school", "joined_on"]
        read_only_fields = ["id", "la", "home_la", "current_school", "version"]

    def validate(self, data):
        if data.get("school"):
            missing = {
                name: [message]
                for name, message in [
                    ("upn", "Enter the pupil's UPN"),
                    ("joined_on", "Enter the date they joined the school"),
                ]
                if not data.get(name)
            }
        else:
            missing = {
                name: [message]
                for name, message in [
                    ("school", "Give the school's URN, or the home postcode of a child without"),
                    ("home_postcode", "Enter the postcode where they live"),
                ]
                if not data.get(name)
            }
            if data.get("home_postcode"):
                missing.pop("school", None)
        if missing:
            raise serializers.ValidationError(missing)
        return data


class PupilUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Pupil
        fields = [
            *(name for name in PUPIL_EDITABLE_FIELDS if name != "home_la"),
            *PUPIL_WHEREABOUTS_FIELDS,
        ]


# The steps after an exclusion: read-only here, recorded through /exclusions/{id}/steps/.
STEP_FIELDS = [
    "board_decided_on",
    "board_notice_sent_on",
    "board_notice_method",
    "board_notice_given_on",
    "representations_on",
    "review_requested_on",
    "review_decided_on",
    "review_outcome",
    "reconsidered_on",
    "cancelled_on",
]


class ClockSerializer(serializers.ModelSerializer):
    """A statutory clock of an exclusion, as the pages show it (docs/clocks.md)."""

    estimated = serializers.BooleanField(
        read_only=True,
        help_text="Counted past the term dates entered, or provisional: it never lapses",
    )

    class Meta:
        model = Deadline
        fields = ["kind", "due_on", "estimated", "provisional", "met_on", "rule"]
        read_only_fields = fields


class ExclusionSerializer(serializers.ModelSerializer):
    school = serializers.CharField(source="school.urn", read_only=True)
    reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=ExclusionReason.choices), min_length=1, max_length=3
    )
    pupil = serializers.PrimaryKeyRelatedField(queryset=Pupil.objects.none())

    class Meta:
        model = Exclusion
        fields = [
            "id",
            "pupil",
            "school",
            "kind",
            "start_date",
            "end_date",
            "sessions",
            "reasons",
            "decided_by",
            "parents_notified_on",
            "misses_public_exam",
            "public_exam_on",
            "no_further_exams",
            "late_reason",
            "state",
            *STEP_FIELDS,
            "recorded_at",
            "version",
        ]
        read_only_fields = ["id", "school", "state", *STEP_FIELDS, "recorded_at", "version"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["pupil"].queryset = Pupil.objects.visible_to(request.user)


class ExclusionDetailSerializer(ExclusionSerializer):
    clocks = ClockSerializer(source="deadlines", many=True, read_only=True)

    class Meta(ExclusionSerializer.Meta):
        fields = [*ExclusionSerializer.Meta.fields, "clocks"]


# The states a step after an exclusion moves it to (never back to "notified").
EXCLUSION_STEPS = [s for s in Exclusion.State.choices if s[0] != Exclusion.State.NOTIFIED]


class ExclusionStepSerializer(serializers.Serializer):
    """A step after an exclusion, recorded by the same service as the exclusion's page."""

    to = serializers.ChoiceField(
        choices=EXCLUSION_STEPS,
        help_text="The state it moves to: board_review_due records parents' representations",
    )
    on = serializers.DateField(help_text="The day it happened (not in the future)")
    outcome = serializers.ChoiceField(
        choices=Exclusion.ReviewOutcome.choices,
        required=False,
        help_text="The independent review panel's decision, with to=review_outcome",
    )
    notice_sent_on = serializers.DateField(
        required=False,
        help_text="With to=upheld for a permanent exclusion: when written notice was sent",
    )
    notice_method = serializers.ChoiceField(choices=Exclusion.NoticeMethod.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ReferralSerializer(serializers.ModelSerializer):
    school = serializers.CharField(source="school.urn", read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "pupil",
            "school",
            "state",
            *REFERRAL_FIELDS,
            "submitted_at",
            "accepted_at",
            "outcome",
            "created_at",
            "version",
        ]
        read_only_fields = [
            "id",
            "pupil",
            "school",
            "state",
            "submitted_at",
            "accepted_at",
            "outcome",
            "created_at",
            "version",
        ]


class PanelMeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = PanelMeeting
        fields = [
            "id",
            "date",
            "start_time",
            "location",
            "cutoff",
            "quorum",
            "status",
            "pack_issued_at",
            "version",
        ]
        read_only_fields = fields


class FairAccessCaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = FairAccessCase
        fields = [
            "id",
            "pupil",
            "groups",
            "unplaced_since",
            "phase",
            "year_group",
            "home_district",
            "referred_on",
            "agreed_on",
            "allocation_due",
            "state",
            "started_on",
            "version",
        ]
        read_only_fields = fields


class PlacementSerializer(serializers.ModelSerializer):
    provider = serializers.PrimaryKeyRelatedField(read_only=True)
    school = serializers.SlugRelatedField(slug_field="urn", read_only=True)

    class Meta:
        model = Placement
        fields = [
            "id",
            "pupil",
            "provider",
            "school",
            "source",
            "tier",
            "start_date",
            "planned_end",
            "ended_on",
            "hours_per_week",
            "part_time",
            "weekly_cost",
            "funding",
            "dual_registered",
            "next_review_due",
            "state",
            "end_reason",
            "version",
        ]
        read_only_fields = fields


class ProviderReturnSerializer(serializers.ModelSerializer):
    placement = serializers.PrimaryKeyRelatedField(queryset=Placement.objects.none())
    period_end = serializers.DateField(allow_null=True, default=None)
    sessions_possible = serializers.IntegerField(
        allow_null=True, min_value=0, max_value=100, default=None
    )
    sessions_attended = serializers.IntegerField(
        allow_null=True, min_value=0, max_value=100, default=None
    )

    class Meta:
        model = ProviderReturn
        fields = [
            "id",
            "placement",
            "period",
            "period_start",
            "period_end",
            "sessions_possible",
            "sessions_attended",
            "below_threshold_reason",
            "progress",
            "pupil_voice",
            "from_register",
            "submitted_at",
        ]
        read_only_fields = ["id", "from_register", "submitted_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["placement"].queryset = Placement.objects.visible_to(request.user)


class ReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = Review
        fields = [
            "id",
            "placement",
            "held_on",
            "attendance_percent",
            "progress",
            "pupil_voice",
            "parent_voice",
            "decision",
            "new_planned_end",
            "notes",
            "next_review_due",
        ]
        read_only_fields = fields


class ReintegrationPlanSerializer(serializers.ModelSerializer):
    school = serializers.SlugRelatedField(slug_field="urn", read_only=True)

    class Meta:
        model = ReintegrationPlan
        fields = [
            "id",
            "placement",
            "school",
            "target_date",
            "status",
            "returned_on",
            "outcome",
            "version",
        ]
        read_only_fields = fields


class ReportSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "kind",
            "title",
            "period_start",
            "period_end",
            "requested_at",
            "status",
            "progress",
            "finished_at",
            "download",
        ]
        read_only_fields = fields

    def get_download(self, report) -> str | None:
        """Where the PDF is, once it is done."""
        if report.status != Report.Status.DONE:
            return None
        from django.urls import reverse

        return reverse("reports:download", args=[report.pk])


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    otp_token = serializers.RegexField(r"^\d{6}$", help_text="The 6-digit code from the app")
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


class CaseNoteSerializer(serializers.ModelSerializer):
    """A case note. A restricted (safeguarding) note is seen by the local authority only: for
    anyone else it does not exist (404), as on the page."""

    pupil = serializers.PrimaryKeyRelatedField(queryset=Pupil.objects.none())
    author = serializers.CharField(source="author.get_full_name", read_only=True)
    text = serializers.CharField(max_length=10_000)

    class Meta:
        model = CaseNote
        fields = [
            "id",
            "pupil",
            "kind",
            "happened_on",
            "text",
            "restricted",
            "author",
            "created_at",
            "version",
        ]
        read_only_fields = ["id", "author", "created_at", "version"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["pupil"].queryset = Pupil.objects.visible_to(request.user)


class CaseNoteUpdateSerializer(serializers.ModelSerializer):
    """A correction by the note's author; the earlier wording stays in the note's history."""

    text = serializers.CharField(max_length=10_000)

    class Meta:
        model = CaseNote
        fields = ["kind", "happened_on", "text", "restricted"]
