"""The API's one body parser: DRF's JSON parser, with JSON nested past Python's recursion limit
answered as a 400 like any other unreadable body (hardening finding 4)."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError("JSON parse error - nested too deeply") from error
