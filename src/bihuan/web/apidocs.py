"""/api/docs: the API's reference as a plain page drawn from its OpenAPI schema, with no script
and nothing from another host (Swagger UI would load both from a CDN)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from bihuan.web.app import templates

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: str
    required: bool
    where: str  # path, query, header or body


@dataclass(frozen=True, slots=True)
class Operation:
    method: str
    path: str
    summary: str
    fields: list[Field]
    answers: list[str]


def _kind(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_kind(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"{_kind(schema.get('items', {}))}[]"
    return str(schema.get("format") or schema.get("type") or "any")


def operations(spec: dict[str, Any]) -> list[Operation]:
    out = []
    for path, ops in spec.get("paths", {}).items():
        for method, op in ops.items():
            fields = [
                Field(p["name"], _kind(p.get("schema", {})), bool(p.get("required")), p["in"])
                for p in op.get("parameters", [])
            ]
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            if body:
                fields.append(Field("JSON", _kind(body.get("schema", {})), True, "body"))
            out.append(Operation(method.upper(), path, op.get("summary", ""), fields, list(op["responses"])))
    return out


def schemas(spec: dict[str, Any]) -> list[tuple[str, list[Field]]]:
    found = spec.get("components", {}).get("schemas", {})
    return [
        (
            name,
            [Field(k, _kind(v), k in s.get("required", []), "") for k, v in s.get("properties", {}).items()],
        )
        for name, s in found.items()
        if "ValidationError" not in name
    ]


@router.get("/api/docs")
def api_docs(request: Request) -> HTMLResponse:
    spec = request.app.openapi()
    return templates.TemplateResponse(
        request,
        "apidocs.html",
        {"me": None, "csrf": None, "info": spec["info"], "ops": operations(spec), "schemas": schemas(spec)},
    )
