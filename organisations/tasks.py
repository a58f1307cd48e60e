from celery import shared_task
from django.core.management import call_command

from organisations import identity, import_jobs


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


@shared_task(name="organisations.tasks.import_run", acks_late=True, reject_on_worker_lost=True)
def import_run(job_id: int) -> str:
    """Check or import one uploaded file, once (organisations/import_jobs.py)."""
    return import_jobs.import_job_run(job_id=job_id)


@shared_task(name="organisations.tasks.imports_sweep")
def imports_sweep() -> int:
    """Queue again imports whose worker died; expire checks no one confirmed."""
    return import_jobs.import_jobs_sweep()
