"""The app's pages, one list per subject; every name stays in the `placements` namespace."""

from placements.commissioning.urls import urlpatterns as commissioning
from placements.moves.urls import urlpatterns as moves
from placements.registers.urls import urlpatterns as registers
from placements.reintegration.urls import urlpatterns as reintegration
from placements.reviews.urls import urlpatterns as reviews

app_name = "placements"

urlpatterns = [*commissioning, *registers, *reviews, *reintegration, *moves]
