from django import forms
from django.utils.translation import gettext_lazy as _

from clinic.core.form_guard import GuardedForm
from education.models import ReaderQuestion

QUESTION_MAX_LENGTH = 2000


class QuestionField(forms.CharField):
    """Counts a line break as one character, as the browser's maxlength does."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")


class ReaderQuestionForm(GuardedForm, forms.ModelForm):
    question = QuestionField(
        label=_("Your question"),
        max_length=QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": QUESTION_MAX_LENGTH}),
        help_text=_("Up to 2,000 characters. Please leave out anything you would not want public."),
        error_messages={
            "required": _("Write your question."),
            "max_length": _(
                "Your question is %(show_value)d characters long; the limit is 2,000. "
                "Please shorten it."
            ),
        },
    )

    class Meta:
        model = ReaderQuestion
        fields = ["name", "email", "question", "wants_email"]
        labels = {
            "name": _("Your name"),
            "email": _("Your email address"),
            "wants_email": _("Email me a link when a therapist has answered"),
        }
        help_texts = {
            "name": _("Shown with your question. A first name is enough."),
            "email": _("Never shown on the site."),
            "wants_email": _("The email holds only a link to this article."),
        }
        error_messages = {
            "name": {
                "required": _("Enter your name (a first name is enough)."),
                "max_length": _("Shorten your name to %(limit_value)d characters or fewer."),
            },
            "email": {
                "required": _("Enter your email address."),
                "invalid": _("Enter an email address in the form name@example.com."),
                "max_length": _("Enter an email address of %(limit_value)d characters or fewer."),
            },
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
