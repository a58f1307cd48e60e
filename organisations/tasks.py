from celery import shared_task
from django.core.management import call_command

from organisations import identity


@shared_task
def clear_expired_sessions():
    """Delete expired sessions; safe to run any number of times."""
    call_command("clearsessions")


@shared_task
def identities_recheck():
    """DfE Sign-in's roles asked again for everyone who may still be signed in (every 15
    minutes): a withdrawn role ends their sessions within the quarter hour."""
    outcome = identity.identities_recheck()
    return {"asked": outcome.asked, "withdrawn": outcome.withdrawn}
