from django.utils.translation import get_language


def in_language(chinese: str, english: str) -> str:
    """The English text when English is active and a gloss exists, else the Chinese original."""
    language = get_language() or ""
    if language.startswith("en") and english:
        return english
    return chinese
