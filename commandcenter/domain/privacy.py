"""Masking of personal data (身份证号, phones, names): masked is the default everywhere."""


def mask_id_number(number: str | None) -> str:
    if not number:
        return ""
    return (
        number[:4] + "*" * (len(number) - 8) + number[-4:] if len(number) > 8 else "*" * len(number)
    )


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name: str | None) -> str:
    """Keep the surname: 张三丰 → 张**."""
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1)
