"""An instaloader context that never touches the network.

instaloader's structures fall back to a query whenever a field is missing from the node they
were built from (`Post._field`, `Profile._metadata`). Reading saved files must not do that, so
every way this context could reach Instagram raises `OfflineAccess` instead; callers treat that
as 'field not available'.
"""

from __future__ import annotations

from typing import Any, NoReturn

from instaloader import InstaloaderContext
from instaloader.exceptions import InstaloaderException


class OfflineAccess(InstaloaderException):
    """Raised instead of a network request by `OfflineContext`."""


class OfflineContext(InstaloaderContext):
    def __init__(self) -> None:
        super().__init__(sleep=False, quiet=True, max_connection_attempts=1, iphone_support=False)

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise OfflineAccess("offline: a saved structure lacks a field that would need a query")

    # Every network path of InstaloaderContext 4.16 goes through one of these.
    get_json = _refuse
    get_iphone_json = _refuse
    graphql_query = _refuse
    doc_id_graphql_query = _refuse
    _get_page = _refuse
    _csrf_token = _refuse
    get_raw = _refuse
    head = _refuse
    login = _refuse
    test_login = _refuse
