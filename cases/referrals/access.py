def is_referrers_school(user, referral) -> bool:
    membership = user.membership_or_none()
    return membership is not None and membership.school_id == referral.school_id
