"""Bot API call parameters from any of Telegram's encodings (query, urlencoded, JSON, multipart)."""

from __future__ import annotations

import json
import mimetypes
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from multidict import MultiMapping

from playground.errors import bad_request


@dataclass
class Upload:
    """A file sent in a multipart part."""

    filename: str
    content_type: str
    data: bytes

    @property
    def mime_type(self) -> str:
        if self.content_type and self.content_type != "application/octet-stream":
            return self.content_type
        return mimetypes.guess_type(self.filename)[0] or "application/octet-stream"


class Params:
    def __init__(self, values: dict[str, Any], uploads: dict[str, Upload]) -> None:
        self.values = values
        self.uploads = uploads

    @classmethod
    async def read(cls, request: web.Request) -> Params:
        values: dict[str, Any] = dict(request.query)
        uploads: dict[str, Upload] = {}
        if request.body_exists:
            if request.content_type == "application/json":
                body = await request.json()
                if not isinstance(body, dict):
                    raise bad_request("JSON object expected as request body")
                values.update(body)
            else:
                values.update(split_form(await request.post(), uploads))
        return cls(values, uploads)

    def string(self, name: str, required: bool = False) -> str | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f"{name} is empty")
            return None
        return value if isinstance(value, str) else json.dumps(value)

    def integer(self, name: str, required: bool = False) -> int | None:
        value = self.string(name, required)
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        value = self.values.get(name)
        return value is True or (isinstance(value, str) and value.lower() in ("true", "1"))

    def json(self, name: str, required: bool = False) -> Any:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f'parameter "{name}" is required')
            return None
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None

    def chat_id(self) -> int | None:
        """chat_id as an int; a @username names no chat the playground knows (→ chat not found)."""
        value = self.string("chat_id", required=True)
        try:
            return int(value or "")
        except ValueError:
            return None

    def input_file(self, value: Any) -> Upload | str:
        """A file field's value: an uploaded part (direct or `attach://name`) or a file_id/URL."""
        if isinstance(value, Upload):
            return value
        if isinstance(value, str) and value.startswith("attach://"):
            upload = self.uploads.get(value.removeprefix("attach://"))
            if upload is None:
                raise bad_request(f"can't find attached file {value.removeprefix('attach://')!r}")
            return upload
        if not isinstance(value, str) or not value:
            raise bad_request("there is no file in the request")
        return value

    def file(self, name: str) -> Upload | str:
        return self.input_file(self.uploads.get(name) or self.values.get(name))


def split_form(form: MultiMapping[Any], uploads: dict[str, Upload]) -> dict[str, Any]:
    """Fields of a posted form; file parts go to `uploads` (later parts win on repeated names)."""
    values: dict[str, Any] = {}
    for key, value in form.items():
        if isinstance(value, web.FileField):
            uploads[key] = Upload(value.filename, value.content_type, value.file.read())
        else:
            values[key] = value
    return values
