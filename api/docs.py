"""The API's documentation as a page of the service, from the same OpenAPI schema."""

from functools import cache

from django.views.generic import TemplateView
from drf_spectacular.generators import SchemaGenerator


@cache
def api_schema() -> dict:
    return SchemaGenerator(patterns=None, urlconf=None).get_schema(request=None, public=True)


def _ref_name(schema: dict) -> str:
    ref = schema.get("$ref") or schema.get("items", {}).get("$ref", "")
    return ref.rsplit("/", 1)[-1]


class ApiDocsView(TemplateView):
    template_name = "api/docs.html"

    def get_context_data(self, **kwargs):
        schema = api_schema()
        components = schema["components"]["schemas"]
        operations = []
        for path, methods in schema["paths"].items():
            for method, operation in methods.items():
                body = operation.get("requestBody", {}).get("content", {}).get("application/json")
                operations.append(
                    {
                        "id": operation["operationId"],
                        "method": method.upper(),
                        "path": path,
                        "summary": operation.get("description", "").strip(),
                        "parameters": operation.get("parameters", []),
                        "request": _ref_name(body["schema"]) if body else "",
                        "responses": [
                            {
                                "code": code,
                                "description": response.get("description", ""),
                                "schema": _ref_name(
                                    response.get("content", {})
                                    .get("application/json", {})
                                    .get("schema", {})
                                ),
                            }
                            for code, response in sorted(operation["responses"].items())
                        ],
                    }
                )
        shapes = [
            {
                "name": name,
                "description": shape.get("description", ""),
                "fields": [
                    {
                        "name": field,
                        "type": spec.get("type") or _ref_name(spec) or "value",
                        "read_only": spec.get("readOnly", False),
                        "required": field in shape.get("required", []),
                        "description": spec.get("description", ""),
                    }
                    for field, spec in shape.get("properties", {}).items()
                ],
            }
            for name, shape in sorted(components.items())
            if shape.get("type") == "object"
        ]
        return {
            **super().get_context_data(**kwargs),
            "description": schema["info"].get("description", ""),
            "operations": operations,
            "shapes": shapes,
        }
