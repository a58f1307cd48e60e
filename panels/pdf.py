"""Panel papers as PDFs, tagged (PDF/UA) so screen readers can read them (security bar G29)."""

from django.conf import settings
from weasyprint import HTML


def render_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant="pdf/ua-1")
