from __future__ import annotations

from django.urls import path

import config.converters  # noqa: F401  (registers the <id:…> converter)
from lms.consumers import ExamConsumer

websocket_urlpatterns = [path("ws/lms/quizzes/<id:quiz_id>/", ExamConsumer.as_asgi())]
