"""The app's pages, one list per subject; every name stays in the `cases` namespace."""

from cases.casework.urls import urlpatterns as casework
from cases.exclusions.urls import urlpatterns as exclusions
from cases.fair_access.urls import urlpatterns as fair_access
from cases.notices.urls import urlpatterns as notices
from cases.pupils.urls import urlpatterns as pupils
from cases.referrals.urls import urlpatterns as referrals

app_name = "cases"

urlpatterns = [*pupils, *exclusions, *referrals, *fair_access, *casework, *notices]
