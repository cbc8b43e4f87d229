"""Every message of the exam socket (/ws/lms/quizzes/<quiz id>/), both directions (docs/lms.md).

Client → server: `open` (start or resume one's paper at the bell), `answer` (one answer with the
page's sequence number, acknowledged only after it is committed), `submit`.
Server → client: `hello` (on connect: the server time, the open attempt if any), `paper`,
`ack`, `submitted`, `error`. Times are ISO 8601 with the server's offset, as the HTTP API sends them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter

from config.bad_input import refuse_nul
from config.converters import DB_ID_MAX
from lms.quizzes import MAX_TEXT  # a short answer; the message limit bounds the rest

MAX_BLANKS = 20


RowId = Annotated[int, Field(ge=1, le=DB_ID_MAX)]
Text = Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(refuse_nul)]
# single: "B"; multiple: ["A","C"]; true/false: true/false; fill: ["…", "…"]; short: "…"; null clears.
Response = bool | Text | Annotated[list[Text], Field(max_length=MAX_BLANKS)] | None


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ClientSchema(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)


class OpenIn(ClientSchema):
    type: Literal["open"]


class AnswerIn(ClientSchema):
    """`seq` rises with every answer the page sends for this attempt (it continues from the
    `last_seq` the server reports): a resent answer keeps its number, so storing it twice is
    harmless and an older one never replaces a newer one."""

    type: Literal["answer"]
    seq: RowId
    question: RowId
    response: Response


class SubmitIn(ClientSchema):
    type: Literal["submit"]


ClientMessage = Annotated[OpenIn | AnswerIn | SubmitIn, Field(discriminator="type")]
client_message: TypeAdapter[OpenIn | AnswerIn | SubmitIn] = TypeAdapter(ClientMessage)


class Hello(Schema):
    type: Literal["hello"] = "hello"
    server_time: dt.datetime
    attempt: int | None = None
    deadline: dt.datetime | None = None
    last_seq: int = 0


class Paper(Schema):
    """The paper opened. `html` is the paper as the attempt page shows it (a fresh paper); empty
    when the attempt already holds answers, and the page loads `url` instead."""

    type: Literal["paper"] = "paper"
    attempt: int
    url: str
    deadline: dt.datetime | None
    server_time: dt.datetime
    last_seq: int
    html: str = ""


class Ack(Schema):
    type: Literal["ack"] = "ack"
    seq: int
    question: int
    deadline: dt.datetime | None
    server_time: dt.datetime


class Submitted(Schema):
    type: Literal["submitted"] = "submitted"
    url: str
    late: bool = False
    message: str = ""


ErrorCode = Literal["refused", "closed", "late", "not_stored", "no_paper", "too_large", "rate_limited"]


class Error(Schema):
    """`refused`: this message can never be taken (fix it, do not resend); `closed`/`late`: the
    paper is submitted or its time is up; `not_stored`: resend the same message later;
    `no_paper`: send `open` first."""

    type: Literal["error"] = "error"
    code: ErrorCode
    message: str
    seq: int | None = None
    question: int | None = None
