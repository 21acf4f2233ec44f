from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StaffNotice(models.Model):
    """One notice sent to the staff, recorded so that it is sent once: a daily digest (key: the
    clinic's date), a reader question (its id) or a request about to expire (its id and the
    time its status last changed). Counts and links only were sent; nothing of health."""

    class Kind(models.TextChoices):
        DIGEST = "digest", _("Daily digest")
        QUESTION = "question", _("Reader question")
        EXPIRING = "expiring", _("Request about to expire")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=64)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("staff notice")
        verbose_name_plural = _("staff notices")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="backoffice_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"
