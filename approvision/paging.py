"""A page's count, capped: a list of a whole large LA (200,000 pupils) counts at most CAP rows
rather than all of them on every request, and says "more than 10,000" (docs/capacity.md).
Past the cap the list is found by searching, not by paging through thousands of pages."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

CAP = 10_000


class CappedPaginator(Paginator):
    # The whole list's count where the database keeps it (the view sets it): then nothing is
    # counted, and the page can say how many there are past the cap.
    known_total: int | None = None

    @cached_property
    def counted(self) -> int:
        """The rows, counted no further than one past the cap (the list's order does not
        matter to how many there are)."""
        if self.known_total is not None:
            return self.known_total
        return self.object_list.order_by().values("pk")[: CAP + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.counted, CAP)

    @property
    def capped(self) -> bool:
        return self.counted > CAP
