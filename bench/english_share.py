"""How much of the main Japanese and Russian pages is English: the share of visible letters that
are Latin letters outside any element marked lang="en" or translate="no" (unmarked: a reader meets
English unannounced) and inside one (marked: a quotation, a name, a text not yet translated).

    .venv/bin/python bench/english_share.py [http://127.0.0.1:8000]
"""

import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.pages import english_letters  # noqa: E402

PAGES = (
    "/", "/commitments/", "/agreements/", "/sources/", "/target/", "/countries/", "/countries/uzbekistan/",
    "/priority-areas/", "/sectors/", "/dialogue/", "/organizations/", "/changes/", "/method/",
    "/commitments/tokyo-initiative-3-trillion-yen/", "/agreements/uzbekistan-japan-summit-package/",
    "/sources/summit-overview-2025-12-25/",
)  # fmt: skip


def main(base):
    for language in ("ja", "ru"):
        totals = [0, 0, 0]
        print(f"{language}: page, unmarked English %, marked English %")
        for page in PAGES:
            with urllib.request.urlopen(f"{base}/{language}{page}") as response:
                unmarked, marked, letters = english_letters(response.read().decode())
            totals = [totals[0] + unmarked, totals[1] + marked, totals[2] + letters]
            print(f"  {page:28} {100 * unmarked / letters:5.1f} {100 * marked / letters:5.1f}")
        print(f"  {'all pages':28} {100 * totals[0] / totals[2]:5.1f} {100 * totals[1] / totals[2]:5.1f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
