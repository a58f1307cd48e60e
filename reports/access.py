"""Who may see which figures: one answer for the pages, the CSVs, the API and the reports."""

from dataclasses import dataclass

from organisations.models import LocalAuthority, School
from organisations.roles import Role
from reports.models import LA_REPORT_ROLES


@dataclass
class FigureScope:
    la: LocalAuthority
    schools: object  # a School queryset, or None for every school of the LA
    own: bool  # the organisation's own figures: shown in full, not suppressed
    name: str  # whose figures: "Castlebridge Council", "Harbridge Academy"
    key: str  # for the figures' cache

    @property
    def whole_la(self) -> bool:
        return self.schools is None


def figures_scope(user) -> FigureScope | None:
    """The figures a user may see: the LA's (published: suppressed) for its officers, panel
    members and director; a school's or trust's own (in full) for its staff; else None."""
    membership = user.membership_or_none()
    if membership is None:
        return None
    if membership.role in LA_REPORT_ROLES:
        la = LocalAuthority.objects.visible_to(user).filter(pk=membership.la_id).first()
        if la is None:
            return None
        return FigureScope(la, None, own=False, name=la.name, key="la")
    schools = School.objects.visible_to(user)
    if membership.role == Role.SCHOOL_STAFF:
        school = schools.filter(pk=membership.school_id).select_related("la").first()
        if school is None:
            return None
        return FigureScope(
            school.la,
            schools.filter(pk=school.pk),
            own=True,
            name=school.name,
            key=f"school:{school.pk}",
        )
    if membership.role == Role.TRUST_LEAD:
        first = schools.select_related("la", "trust").order_by("la_id").first()
        if first is None:
            return None
        # A trust's schools in one LA are compared with that LA (the first, by its number).
        return FigureScope(
            first.la,
            schools.filter(la=first.la),
            own=True,
            name=first.trust.name if first.trust else "",
            key=f"trust:{membership.trust_id}",
        )
    return None
