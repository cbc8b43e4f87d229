"""Every message of the live-contest socket, both directions (documented in docs/realtime.md).

Server → client messages all carry `seq` and `server_time`. Broadcast types (`BROADCAST_TYPES`)
number the round's broadcasts one by one: a client that sees a broadcast with
`seq > last + 1` has missed something and asks for a snapshot. Direct messages carry the seq of
the last broadcast this connection was sent, so they never look like a gap.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

Role = Literal["host", "contestant", "screen"]
State = Literal["lobby", "question", "closed", "revealed", "leaderboard", "ended"]


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ServerMessage(Schema):
    seq: int = 0
    server_time: float = 0.0


# --- client → server ----------------------------------------------------------------------


class Join(Schema):
    type: Literal["join"]
    ticket: str = Field(max_length=20)
    access_code: str = Field(max_length=12)


class AnswerIn(Schema):
    type: Literal["answer"]
    answer_id: UUID
    question_id: int
    response: Any = None


class SnapshotRequest(Schema):
    type: Literal["snapshot"]


class SignalIn(Schema):
    type: Literal["signal"]
    kind: Literal["page_hidden"]
    question_id: int | None = None


class Ping(Schema):
    type: Literal["ping"]


HostAction = Literal[
    "open_next", "close", "reveal", "leaderboard", "freeze", "unfreeze", "pause", "resume", "end", "kick"
]


class Command(Schema):
    """A host action. `ticket` names the connection for `kick`."""

    type: Literal["command"]
    action: HostAction
    ticket: str = Field(default="", max_length=20)


ClientMessage = Annotated[Join | AnswerIn | SnapshotRequest | SignalIn | Ping | Command, Field(discriminator="type")]
client_message = TypeAdapter(ClientMessage)


# --- server → client ----------------------------------------------------------------------


class QuestionView(Schema):
    """A question as contestants see it: never the answer key."""

    id: int
    position: int
    total: int
    qtype: str
    stem: str
    options: list[str]
    points: float
    seconds: int


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
]


class Error(ServerMessage):
    type: Literal["error"] = "error"
    code: ErrorCode
    message: str
    answer_id: UUID | None = None


class MyAnswer(Schema):
    answer_id: UUID
    question_id: int
    response: Any = None
    received_at: float


class Progress(ServerMessage):
    """Host only: answers arriving for the open question, and who is connected."""

    type: Literal["progress"] = "progress"
    question_id: int | None
    answered: int
    distribution: dict[str, int]
    connected: int
    registered: int


class Presence(ServerMessage):
    """Host only: a contestant connected or left."""

    type: Literal["presence"] = "presence"
    ticket: str
    name: str
    online: bool
    connected: int


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
