"""Cursor pagination for the ledger's long lists (credit blocks, a block's history): each page
is one index range scan from where the last ended, however deep, where a page number would make
PostgreSQL count and skip every row before it.

The body keeps API.md's list shape `{count, next, previous, results}`, `count` null: counting
a million blocks is the very scan the cursor avoids. `next` and `previous` carry the cursor."""

from rest_framework.pagination import CursorPagination
from rest_framework.response import Response


class IdCursorPagination(CursorPagination):
    """Ordered by the primary key: unique, indexed and never changed, as a cursor needs."""

    ordering = "id"

    def get_paginated_response(self, data) -> Response:
        return Response(
            {
                "count": None,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict) -> dict:
        described = super().get_paginated_response_schema(schema)
        described["properties"] = {
            "count": {"type": "integer", "nullable": True, "description": "always null"},
            **described["properties"],
        }
        return described
