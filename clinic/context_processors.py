from django.utils.functional import SimpleLazyObject

from clinic.core.models import ClinicSettings


def clinic(request):
    return {"clinic": SimpleLazyObject(ClinicSettings.load)}
