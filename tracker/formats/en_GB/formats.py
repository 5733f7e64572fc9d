# British English as Django writes it, with the month in full on pages ("20 December 2025").
from django.conf.locale.en_GB.formats import *  # noqa: F403

DATE_FORMAT = "j F Y"
YEAR_MONTH_FORMAT = "F Y"
