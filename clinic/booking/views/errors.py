"""The error summary at the top of a booking page: each error linked to its field."""


def error_summary(form, anchors: dict[str, str]) -> list[dict]:
    """Every error with the anchor of its field, in the order of the fields on the page."""
    summary = []
    for name in [None, *(name for name in anchors if name in form.fields)]:
        label = form.fields[name].label if name else ""
        for message in form.errors.get(name or "__all__", []):
            summary.append({"anchor": anchors.get(name, "booking-form"), "label": label,
                            "message": message})  # fmt: skip
    return summary
