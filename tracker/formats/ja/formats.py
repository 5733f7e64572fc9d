# Only what differs from Django's own formats for this language: editors type dates as
# YYYY-MM-DD in every form, as the CSV import reads them (tracker/formats/en_GB/formats.py).
DATE_INPUT_FORMATS = ["%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
