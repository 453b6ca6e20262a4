"""Working days on the Chinese calendar: the library's years and the years operators enter."""
