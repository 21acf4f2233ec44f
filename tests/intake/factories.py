from intake.models import Intake
from intake.submission import submit
from tests.intake.answers import benign


def make_intake(name="Lena Park", email="lena@example.com", **answers) -> Intake:
    contact = {"name": name, "email": email, "phone": "", "language": "en", "signature": name}
    return submit(benign(**answers), contact)
