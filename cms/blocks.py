"""StreamField blocks for lessons, case studies and other pages.

The quiz block only stores the quiz id and links to `/learn/quizzes/<id>/`: the LMS (to the
right of cms in the dependency order) serves that path, so cms never imports lms.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

from cms.sanitize import clean_html

RICH_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link", "blockquote", "hr", "code"]


class SafeRichTextBlock(blocks.RichTextBlock):
    """Rich text whose HTML is sanitized whenever it is written to the database."""

    def get_prep_value(self, value: Any) -> Any:
        source = super().get_prep_value(value)
        return clean_html(source) if isinstance(source, str) else source


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("图片"))
    alt = blocks.CharBlock(label=_("替代文字"), max_length=200, help_text=_("供读屏软件朗读的图片说明"))
    caption = blocks.CharBlock(label=_("图注"), required=False, max_length=200)

    class Meta:
        icon = "image"
        label = _("图片")
        template = "cms/blocks/image.html"


class VideoBlock(blocks.StructBlock):
    """A video either uploaded as a document (mp4/webm) or hosted elsewhere (URL)."""

    title = blocks.CharBlock(label=_("视频标题"), max_length=200)
    file = DocumentChooserBlock(label=_("上传的视频文件"), required=False)
    url = blocks.URLBlock(label=_("视频地址"), required=False)
    transcript = blocks.TextBlock(label=_("文字稿"), required=False)

    class Meta:
        icon = "media"
        label = _("视频")
        template = "cms/blocks/video.html"

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if not value.get("file") and not value.get("url"):
            raise blocks.StructBlockValidationError(
                block_errors={"url": blocks.BlockValidationError(_("请上传视频文件或填写视频地址"))}
            )
        return value


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("文档"))
    description = blocks.CharBlock(label=_("说明"), required=False, max_length=200)

    class Meta:
        icon = "doc-full"
        label = _("文档")
        template = "cms/blocks/document.html"


class CodeBlock(blocks.StructBlock):
    language = blocks.ChoiceBlock(
        label=_("语言"),
        choices=[
            ("python", "Python"),
            ("sql", "SQL"),
            ("javascript", "JavaScript"),
            ("bash", "Shell"),
            ("json", "JSON"),
            ("text", _("纯文本")),
        ],
        default="python",
    )
    code = blocks.TextBlock(label=_("代码"))

    class Meta:
        icon = "code"
        label = _("代码")
        template = "cms/blocks/code.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("类型"),
        choices=[("tip", _("提示")), ("warning", _("注意")), ("safety", _("安全")), ("key", _("要点"))],
        default="tip",
    )
    title = blocks.CharBlock(label=_("标题"), required=False, max_length=120)
    text = SafeRichTextBlock(label=_("内容"), features=["bold", "italic", "link", "ol", "ul"])

    class Meta:
        icon = "warning"
        label = _("提示框")
        template = "cms/blocks/callout.html"


class QuizBlock(blocks.StructBlock):
    quiz_id = blocks.IntegerBlock(label=_("测验编号"), min_value=1)
    title = blocks.CharBlock(label=_("标题"), required=False, max_length=200)

    class Meta:
        icon = "tasks"
        label = _("随堂测验")
        template = "cms/blocks/quiz.html"

    def get_context(self, value: Any, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
        context = super().get_context(value, parent_context=parent_context)
        context["quiz_url"] = f"/learn/quizzes/{int(value['quiz_id'])}/"
        return context


class LessonBody(blocks.StreamBlock):
    text = SafeRichTextBlock(label=_("正文"), features=RICH_FEATURES)
    image = ImageBlock()
    video = VideoBlock()
    document = DocumentBlock()
    code = CodeBlock()
    callout = CalloutBlock()
    quiz = QuizBlock()


class OutcomeBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("学习成果"), max_length=300)

    class Meta:
        icon = "tick"
        label = _("学习成果")


class ResultItemBlock(blocks.StructBlock):
    """A measurable result of a case: metric, before, after and unit."""

    metric = blocks.CharBlock(label=_("指标"), max_length=80)
    before = blocks.DecimalBlock(label=_("实施前"), required=False)
    after = blocks.DecimalBlock(label=_("实施后"))
    unit = blocks.CharBlock(label=_("单位"), max_length=20, required=False)

    class Meta:
        icon = "order-up"
        label = _("成效指标")


class LinkBlock(blocks.StructBlock):
    """A titled link, used for contests (served by the competitions app, which cms cannot import)."""

    title = blocks.CharBlock(label=_("标题"), max_length=200)
    url = blocks.CharBlock(label=_("链接"), max_length=300, help_text=_("站内路径，如 /contests/12/，或完整网址"))

    class Meta:
        icon = "link"
        label = _("链接")

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        url = value.get("url", "")
        if not (url.startswith("/") or url.startswith("https://") or url.startswith("http://")):
            raise blocks.StructBlockValidationError(
                block_errors={"url": blocks.BlockValidationError(_("链接须以 / 或 http(s):// 开头"))}
            )
        return value
