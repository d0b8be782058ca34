# The portal's date style in English, the same shape as the Italian one (FORMAT_MODULE_PATH):
# "1 November 2019", "1 November 2019, 09:05", 24-hour times (Rome time), day before month.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
