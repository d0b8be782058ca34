# The portal's date style, in Italian (FORMAT_MODULE_PATH): "1 novembre 2019" and
# "1 novembre 2019, 09:05" in pages, messages, e-mails and the minutes; "01/11/2019 09:05" only in
# dense staff lists. Month and weekday names are lower-case (locale_libraries), as Italian writes them.
# Anything not set here (input formats, separators) is Django's Italian.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
