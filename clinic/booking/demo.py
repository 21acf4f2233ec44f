"""Demo content for a fresh clinic: staff groups, the demo therapist login, the clinic's texts
in Spanish, and the booking set-up (two therapists with weekly hours, three services), each text
in English and in Spanish (for Spanish-speaking clients in the US: usted, plain words)."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.booking.models import Service, Therapist, WorkingHours
from clinic.booking.translation import THERAPIST_TEXTS
from clinic.core.models import ClinicSettings
from clinic.core.roles import THERAPISTS, sync_groups

DEMO_USERNAME = "therapist"
DEMO_PASSWORD = "knots-demo-2026"
# The demo therapist's authenticator key (published: DEBUG only). Base32 for an app:
# GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"


def seed_staff():
    """The staff groups and the demo therapist's login (with its second factor); returns it."""
    if not settings.DEBUG:
        raise CommandError(
            "seed_demo creates a demo login with a published password, so it only runs with "
            "DEBUG=1. In production run `manage.py sync_roles` and create real staff accounts "
            "with `manage.py createsuperuser`."
        )
    seed_clinic_spanish()
    groups = sync_groups()
    user, created = get_user_model().objects.get_or_create(
        username=DEMO_USERNAME,
        defaults={
            "first_name": "Demo",
            "last_name": "Therapist",
            "email": "therapist@clinic.example",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
    user.is_staff = True
    user.save()
    user.groups.add(groups[THERAPISTS])
    TOTPDevice.objects.get_or_create(
        user=user, name="Demo authenticator", defaults={"key": DEMO_TOTP_KEY, "confirmed": True}
    )
    return user


# The model's default English texts, in Spanish.
DEMO_CLINIC_SPANISH = {
    "tagline_es": "Masaje de tejido profundo para los nudos de la parte alta de la espalda",
    "opening_hours_es": "Lunes a viernes, de 9 a. m. a 6 p. m.\nSábado, de 9 a. m. a 1 p. m.",
    "parking_es": "Estacionamiento gratis detrás del edificio; la entrada está a la izquierda.\n"
    "La parada de autobús Main Street & 3rd está a dos minutos a pie.",
    "what_to_bring_es": "Ropa suelta y cómoda, y una lista de las medicinas que toma.\n"
    "Si un médico escribió algo sobre su espalda o su cuello, tráigalo también.",
    "cancellation_policy_es": "Los planes cambian: puede cancelar por internet o por teléfono, "
    "o cambiar la hora de su cita por teléfono, sin costo, hasta el plazo indicado abajo. Si "
    "cancela después de ese plazo o no viene, podemos cobrarle la mitad del precio de la "
    "sesión, porque ese tiempo estaba reservado para usted.",
    "visit_what_to_expect_es": "Primero, su terapeuta revisa con usted el cuestionario previo "
    "a la visita y le pregunta dónde le duele, qué lo empeora y qué espera de la sesión. "
    "Después usted se acuesta en una camilla acolchada y tibia, con una sábana que le cubre "
    "todo menos la parte que se está trabajando.\n\n"
    "El masaje de tejido profundo es lento y firme. Puede sentirse intenso, pero nunca debe "
    "causar un dolor agudo. Diga “más suave” o “pare” en cualquier momento: su terapeuta "
    "cambia la presión enseguida, y usted no tiene que explicar por qué.\n\n"
    "Al final hablan de lo que su terapeuta encontró y, si le ayuda, de una o dos cosas "
    "sencillas que puede hacer en casa.",
    "visit_what_to_wear_es": "Venga con ropa suelta y cómoda. Para trabajar la parte alta de "
    "la espalda, usted se quita la ropa hasta donde se sienta a gusto, en privado, y una "
    "sábana le cubre. Si prefiere no quitarse la parte de arriba, díganoslo: podemos trabajar "
    "sobre una camiseta delgada.\n\n"
    "Deje en casa los collares y los aretes largos, o quíteselos antes de la sesión.",
    "visit_arrive_early_es": "Para su primera visita, llegue unos 10 minutos antes: así tiene "
    "tiempo de encontrarnos, usar el baño y acomodarse sin prisa. La sesión empieza y termina "
    "a la hora fijada, así que si llega tarde, su sesión será más corta.",
    "visit_aftercare_es": "Tome agua y muévase con calma el resto del día; una caminata corta "
    "ayuda. Es normal sentir los músculos adoloridos uno o dos días, como después de hacer "
    "ejercicio. El calor (una ducha o una compresa caliente) suele aliviarlo.\n\n"
    "Llámenos si el dolor dura más de tres días o empeora. Llame a su médico si tiene fiebre, "
    "o adormecimiento o debilidad nuevos en un brazo. Llame al 911 enseguida si tiene dolor o "
    "presión en el pecho, dificultad nueva para respirar, o debilidad o adormecimiento "
    "repentinos en un lado del cuerpo.",
}


def seed_clinic_spanish() -> ClinicSettings:
    """The clinic's row, with the demo Spanish in each Spanish text still empty: a text the
    owner has written already is left as it is."""
    clinic = ClinicSettings.load()
    empty = [name for name in DEMO_CLINIC_SPANISH if not (getattr(clinic, name) or "").strip()]
    for name in empty:
        setattr(clinic, name, DEMO_CLINIC_SPANISH[name])
    if empty:
        clinic.save(update_fields=empty)
    return clinic


def demo_code() -> str:
    """The demo therapist's current 6-digit code, as an authenticator app would show it."""
    return f"{TOTP(bytes.fromhex(DEMO_TOTP_KEY)).token():06d}"


DEMO_SERVICES = [
    {
        "slug": "deep-tissue-60",
        "name_en": "Deep tissue 60",
        "name_es": "Masaje de tejido profundo 60",
        "duration_minutes": 60,
        "recovery_buffer_minutes": 15,
        "price": Decimal("95.00"),
        "description_en": "Our usual session: slow, firm work on the upper back, shoulders and "
        "neck, with a few minutes at the start to talk about where it hurts.",
        "description_es": "Nuestra sesión de siempre: trabajo lento y firme en la parte alta de "
        "la espalda, los hombros y el cuello, con unos minutos al principio para hablar de "
        "dónde le duele.",
    },
    {
        "slug": "deep-tissue-90",
        "name_en": "Deep tissue 90",
        "name_es": "Masaje de tejido profundo 90",
        "duration_minutes": 90,
        "recovery_buffer_minutes": 15,
        "price": Decimal("135.00"),
        "description_en": "Time for the whole back and neck, with extra attention where the "
        "knots are. A good choice if pain spreads or you have not had massage before.",
        "description_es": "Tiempo para toda la espalda y el cuello, con más atención donde "
        "están los nudos. Es una buena opción si el dolor se extiende o si nunca le han dado "
        "un masaje.",
    },
    {
        "slug": "focused-upper-back-45",
        "name_en": "Focused upper back 45",
        "name_es": "Solo la parte alta de la espalda 45",
        "duration_minutes": 45,
        "recovery_buffer_minutes": 15,
        "price": Decimal("75.00"),
        "description_en": "The area between the shoulder blades only, for a knot you already "
        "know well, or a follow-up after a longer session.",
        "description_es": "Solo la zona entre los omóplatos, para un nudo que usted ya conoce "
        "bien, o como seguimiento después de una sesión más larga.",
    },
]

# (weekday, start, end) in clinic time; Monday is 0.
DEMO_THERAPISTS = [
    {
        "slug": "alex-morgan",
        "display_name": "Alex Morgan",
        "specialties_en": "Upper back and neck, desk workers",
        "specialties_es": "Parte alta de la espalda y cuello; personas que trabajan sentadas "
        "frente a una computadora",
        "credentials_en": "Licensed Massage Therapist (LMT), 12 years",
        "credentials_es": "Terapeuta de masaje con licencia (LMT), 12 años de experiencia",
        "bio_en": "Alex spent years at a desk before training as a therapist, and knows the "
        "shoulder-blade ache that builds through a working week. Alex works steadily and "
        "explains what they find as they go, so you leave knowing what to do at home.",
        "bio_es": "Alex pasó años trabajando en una oficina antes de estudiar para terapeuta, y "
        "conoce bien el dolor entre los omóplatos que se acumula durante la semana de trabajo. "
        "Alex trabaja con calma y le va explicando lo que encuentra, para que usted se vaya "
        "sabiendo qué hacer en casa.",
        "login": DEMO_USERNAME,
        "hours": [
            *((day, "09:00", "12:30") for day in range(5)),
            *((day, "13:30", "18:00") for day in range(5)),
        ],
    },
    {
        "slug": "sam-rivera",
        "display_name": "Sam Rivera",
        "specialties_en": "Shoulders, climbers and swimmers",
        "specialties_es": "Hombros; personas que escalan o nadan",
        "credentials_en": "Licensed Massage Therapist (LMT), 8 years; sports massage certificate",
        "credentials_es": "Terapeuta de masaje con licencia (LMT), 8 años de experiencia; "
        "certificado en masaje deportivo",
        "bio_en": "Sam works with people whose shoulders do a lot: climbers, swimmers, parents "
        "who carry children all day. Slow, firm pressure, checked with you often. Sam habla "
        "español y puede hacer toda la sesión en español.",
        "bio_es": "Sam trabaja con personas que usan mucho los hombros: gente que escala o "
        "nada, y padres y madres que cargan a sus hijos todo el día. Presión lenta y firme, y "
        "le pregunta a menudo cómo se siente. Sam habla español y puede darle toda la sesión "
        "en español.",
        "login": None,
        "hours": [
            *((day, "10:00", "14:00") for day in range(1, 5)),
            *((day, "15:00", "19:00") for day in range(1, 5)),
            (5, "09:00", "13:00"),
        ],
    },
]


def seed_booking() -> None:
    """Services, therapists and their weekly hours; running it again changes nothing."""
    for service in DEMO_SERVICES:
        Service.objects.update_or_create(slug=service["slug"], defaults=service)
    for item in DEMO_THERAPISTS:
        user = (
            get_user_model().objects.filter(username=item["login"]).first()
            if item["login"]
            else None
        )
        therapist, _created = Therapist.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "display_name": item["display_name"],
                **{
                    f"{text}_{language}": item[f"{text}_{language}"]
                    for text in THERAPIST_TEXTS
                    for language in ("en", "es")
                },
                "user": user,
            },
        )
        for weekday, start, end in item["hours"]:
            WorkingHours.objects.get_or_create(
                therapist=therapist,
                weekday=weekday,
                start=dt.time.fromisoformat(start),
                end=dt.time.fromisoformat(end),
            )
