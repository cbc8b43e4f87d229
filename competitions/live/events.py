"""Every message of the live-contest socket, both directions (documented in docs/realtime.md).

Server → client messages all carry `seq` and `server_time`. Broadcast types (`BROADCAST_TYPES`)
number the round's broadcasts one by one: a client that sees a broadcast with
`seq > last + 1` has missed something and asks for a snapshot. Direct messages carry the seq of
the last broadcast this connection was sent, so they never look like a gap.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter

from config.bad_input import refuse_nul
from config.converters import DB_ID_MAX
from lms.grading import OPTION_LETTERS

Role = Literal["host", "contestant", "screen"]
State = Literal["lobby", "question", "closed", "revealed", "leaderboard", "ended"]
_STATE: TypeAdapter[State] = TypeAdapter(State)


def round_state(value: str) -> State:
    """A round's stored state (a `RoundState` value) as a message's `State`; ValueError (pydantic's
    ValidationError) for any other value, as building the message would raise."""
    return _STATE.validate_python(value)


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ServerMessage(Schema):
    seq: int = 0
    server_time: float = 0.0


# --- client → server ----------------------------------------------------------------------
#
# Every field of a client message is checked here, once, while the JSON is parsed (the parse
# runs anyway, so the checks cost next to nothing): strict types (`"12"` is not 12, `true` is not
# 1), ids within the database's bigint range, no NUL character in any string (PostgreSQL refuses
# them in text and jsonb, and one refused row used to fail a whole group commit), and lengths.
# What a response must look like for its question's type is checked per answer in
# `actions.submit_answers` (`response_fits`), which knows the question.

DB_BIGINT_MAX = DB_ID_MAX  # one bound for ids, in URLs and in messages
MAX_TEXT = 200  # one fill-in blank; the 4 KB message limit bounds the rest
MAX_BLANKS = 20


RowId = Annotated[int, Field(ge=1, le=DB_BIGINT_MAX)]
Text = Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(refuse_nul)]
TicketText = Annotated[str, Field(max_length=20), AfterValidator(refuse_nul)]
CodeText = Annotated[str, Field(max_length=12), AfterValidator(refuse_nul)]
# A host command's own id, echoed in its reply (`command_ok` or `error`): 1–64 of A–Z a–z 0–9 _ -.
REQUEST_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
RequestId = Annotated[str, Field(pattern=REQUEST_ID_PATTERN)]
# single: "B"; multiple: ["A","C"]; true/false: true/false; fill: ["…", "…"] (one per blank).
Response = bool | Text | Annotated[list[Text], Field(max_length=MAX_BLANKS)]


class ClientSchema(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)


class Join(ClientSchema):
    type: Literal["join"]
    ticket: TicketText
    access_code: CodeText


class AnswerIn(ClientSchema):
    type: Literal["answer"]
    answer_id: UUID
    question_id: RowId
    response: Response


class SnapshotRequest(ClientSchema):
    type: Literal["snapshot"]


class SignalIn(ClientSchema):
    type: Literal["signal"]
    kind: Literal["page_hidden"]
    question_id: RowId | None = None


class Ping(ClientSchema):
    type: Literal["ping"]


HostAction = Literal[
    "open_next", "close", "reveal", "leaderboard", "freeze", "unfreeze", "pause", "resume", "end", "kick"
]


class Command(ClientSchema):
    """A host action. `ticket` names the connection for `kick`. `request_id` (optional) is the
    client's own id for the command: its reply — `command_ok` after the action committed and its
    broadcasts went out, or an `error` — carries it back. Without one, success is silent."""

    type: Literal["command"]
    action: HostAction
    ticket: TicketText = ""
    request_id: RequestId | None = None


ClientMessage = Annotated[Join | AnswerIn | SnapshotRequest | SignalIn | Ping | Command, Field(discriminator="type")]
client_message = TypeAdapter(ClientMessage)


_REQUEST_ID = re.compile(REQUEST_ID_PATTERN)


def request_id_of(raw: str) -> str | None:
    """The `request_id` of a `command` that could not be parsed or was refused before parsing
    (malformed, rate limited), so its error can still carry it; None when the text is not a
    JSON object of type `command` with a well-formed `request_id`. Used only on error paths."""
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("type") != "command":
        return None
    value = data.get("request_id")
    return value if isinstance(value, str) and _REQUEST_ID.fullmatch(value) else None


def is_bad_join(errors: list[Any]) -> bool:
    """True when a `join` failed validation only in its ticket or access code (a NUL, too long,
    not a string): that is a wrong ticket (`bad_ticket`), not a malformed message."""
    return bool(errors) and all(
        len(e["loc"]) >= 2 and e["loc"][0] == "join" and e["loc"][1] in ("ticket", "access_code") for e in errors
    )


def response_fits(qtype: str, options: list[str] | None, key: Any, response: Any) -> bool:
    """Whether a response has the shape its question's type asks for (docs/realtime.md):
    single one option key ("A".."F" within the options); multiple a list of distinct keys, at
    least one; true/false a boolean; fill a list of strings, one per blank. Anything else is
    `bad_message`, never a stored wrong answer."""
    keys = OPTION_LETTERS[: len(options or ())]
    if qtype == "single":
        return isinstance(response, str) and len(response) == 1 and response in keys
    if qtype == "multiple":
        return (
            isinstance(response, list)
            and 0 < len(response) == len(set(response))
            and all(isinstance(r, str) and len(r) == 1 and r in keys for r in response)
        )
    if qtype == "truefalse":
        return isinstance(response, bool)
    if qtype == "fill":
        blanks = len(key) if isinstance(key, list) else 1
        return isinstance(response, list) and len(response) == blanks and all(isinstance(r, str) for r in response)
    return False


# --- server → client ----------------------------------------------------------------------


class Choice(Schema):
    """One answer button: `key` is what a contestant sends for it (an option letter "A".."F", or
    true / false), `label` the letter shown before the text ("" for true/false), `text` what the
    option says (正确 / 错误 for true/false)."""

    key: str | bool
    label: str
    text: str


class QuestionView(Schema):
    """A question as contestants see it: never the answer key. `kind` names its type for people
    (单选, 多选, 判断, 填空); `choices` are its buttons, one label each (true/false has two);
    `blanks` is the number of blanks of a fill-in question (its response is a list that long)."""

    id: int
    position: int
    total: int
    qtype: str
    stem: str
    options: list[str]
    points: float
    seconds: int
    kind: str = ""
    choices: list[Choice] = Field(default_factory=list)
    blanks: int = 0  # fill-in: how many strings the answer holds (one per blank); 0 otherwise


class BoardRow(Schema):
    rank: int
    participant_id: int
    name: str
    organization: str = ""
    score: float
    correct: int


class Welcome(ServerMessage):
    type: Literal["welcome"] = "welcome"
    role: Role
    round_id: int
    title: str
    contest: str


class Joined(ServerMessage):
    type: Literal["joined"] = "joined"
    participant_id: int
    ticket: str
    name: str


class QuestionOpen(ServerMessage):
    type: Literal["question_open"] = "question_open"
    question: QuestionView
    opens_at: float
    closes_at: float


class QuestionClosed(ServerMessage):
    type: Literal["question_closed"] = "question_closed"
    question_id: int
    closes_at: float
    answered: int


class Reveal(ServerMessage):
    type: Literal["reveal"] = "reveal"
    question_id: int
    answer: Any
    explanation: str
    distribution: dict[str, int]
    answered: int
    correct_count: int
    answer_text: str = ""  # the key as people read it: "A. 生产排程", "A、B、D", "正确"


class Leaderboard(ServerMessage):
    type: Literal["leaderboard"] = "leaderboard"
    frozen: bool
    shown: bool = True
    top: list[BoardRow]
    total: int


class RoundStateMsg(ServerMessage):
    type: Literal["round_state"] = "round_state"
    state: State
    paused: bool
    frozen: bool
    question_id: int | None = None
    closes_at: float | None = None
    remaining: float | None = None


BROADCAST_TYPES = frozenset({"question_open", "question_closed", "reveal", "leaderboard", "round_state"})


class Standing(ServerMessage):
    """One contestant's own rank and score (on the frozen board while frozen)."""

    type: Literal["standing"] = "standing"
    rank: int
    score: float
    correct: int
    total: int
    last_correct: bool | None = None
    last_points: float | None = None


def standing_json(seq: int, server_time: float, total: int, row: list[Any]) -> str:
    """`Standing(...).model_dump_json()` for one row of `selectors.standings` ([rank, score,
    correct, last_correct, last_points]: ints, floats, a bool or None), written without the
    model: a board sends one to every contestant, a thousand per process in one go, and through
    the model each cost as much as writing it to the socket. A test holds the two equal."""
    rank, score, correct, last_correct, last_points = row
    return (
        f'{{"seq":{seq:d},"server_time":{float(server_time)!r},"type":"standing","rank":{rank:d},'
        f'"score":{float(score)!r},"correct":{correct:d},"total":{total:d},'
        f'"last_correct":{_JSON_CONSTANTS[last_correct]},'
        f'"last_points":{"null" if last_points is None else repr(float(last_points))}}}'
    )


_JSON_CONSTANTS = {True: "true", False: "false", None: "null"}


class Ack(ServerMessage):
    """Sent only after the answer is committed; a retry with the same id gets the same ack."""

    type: Literal["ack"] = "ack"
    answer_id: UUID
    question_id: int
    received_at: float
    duplicate: bool = False


ErrorCode = Literal[
    "bad_message",
    "too_large",
    "rate_limited",
    "not_joined",
    "bad_ticket",
    "wrong_person",
    "kicked",
    "not_open",
    "closed",
    "paused",
    "already_answered",
    "forbidden",
    "bad_state",
    "not_stored",
    "answer_id_reused",
]


class Error(ServerMessage):
    """A refused message. `answer_id` when it answers an `answer`, `request_id` when it answers a
    `command` that carried one."""

    type: Literal["error"] = "error"
    code: ErrorCode
    message: str
    answer_id: UUID | None = None
    request_id: str | None = None


class CommandOk(ServerMessage):
    """Direct reply to a host command that carried a `request_id`: the action committed and its
    broadcasts were sent (this connection got them first). `seq` is the last of them."""

    type: Literal["command_ok"] = "command_ok"
    action: HostAction
    request_id: str


class MyAnswer(Schema):
    answer_id: UUID
    question_id: int
    response: Any = None
    received_at: float


class WaitingSeat(Schema):
    ticket: str
    name: str
    online: bool


class Progress(ServerMessage):
    """Host only: answers arriving for the open question, and who is connected. `joined`: seats
    in the round (not kicked); `waiting`: the first `WAITING_SHOWN` of those seats that have not
    answered the current question (by ticket number), `waiting_count` all of them."""

    type: Literal["progress"] = "progress"
    question_id: int | None
    answered: int
    distribution: dict[str, int]
    connected: int
    registered: int
    joined: int = 0
    waiting: list[WaitingSeat] = Field(default_factory=list)
    waiting_count: int = 0


class Presence(ServerMessage):
    """Host only: a contestant connected or left. `connected`: seats online in the whole round,
    counted when the note was sent (null if the database could not be asked)."""

    type: Literal["presence"] = "presence"
    ticket: str
    name: str
    online: bool
    connected: int | None = None


class Snapshot(ServerMessage):
    """Everything a (re)connecting client needs to be whole again."""

    type: Literal["snapshot"] = "snapshot"
    state: State
    paused: bool
    frozen: bool
    question: QuestionView | None = None
    opens_at: float | None = None
    closes_at: float | None = None
    remaining: float | None = None
    reveal: Reveal | None = None
    my_answer: MyAnswer | None = None
    standing: Standing | None = None
    leaderboard: Leaderboard
    progress: Progress | None = None


class Bye(ServerMessage):
    """The server is closing this connection and says why."""

    type: Literal["bye"] = "bye"
    reason: Literal["replaced", "kicked", "ended"]
    message: str


class Pong(ServerMessage):
    type: Literal["pong"] = "pong"
