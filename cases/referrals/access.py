"""Who may do what with a referral beyond seeing it (`visible_to`): the referring school
drafts, answers and withdraws; the LA triages."""


def is_referrers_school(user, referral) -> bool:
    membership = user.membership_or_none()
    return membership is not None and membership.school_id == referral.school_id


def triages_referral(user, referral) -> bool:
    """The LA's officers (who may change referrals) triage them; never the referring school."""
    return user.has_perm("cases.change_referral") and not is_referrers_school(user, referral)
