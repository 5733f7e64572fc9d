# British English as Django writes it, with the month in full on pages ("20 December 2025").
from django.conf.locale.en_GB.formats import *  # noqa: F403

DATE_FORMAT = "j F Y"
YEAR_MONTH_FORMAT = "F Y"

# Editors type dates as YYYY-MM-DD in every form, as the CSV import reads them: 01/02/2026 could
# be 1 February or 2 January, so no other form is accepted.
DATE_INPUT_FORMATS = ["%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
