"""Swedish texts of the accessibility work (issue 16): plural msgids are (singular, plural) tuples
with (singular, plural) Swedish forms; tools/fill_catalogs.py merges this file."""

SV = {
    ("Notifications: {n} new", "Notifications: {n} new"): ("Notiser: {n} ny", "Notiser: {n} nya"),
    ("Messages: {n} unread", "Messages: {n} unread"): ("Meddelanden: {n} oläst", "Meddelanden: {n} olästa"),
    ("{n} to book", "{n} to book"): ("{n} att boka", "{n} att boka"),
    ("{n} change", "{n} changes"): ("{n} ändring", "{n} ändringar"),
}

EN_OVERRIDES: dict[str, str] = {}
SV.update({
    "Unread": "Oläst",
    "Read": "Läst",
    "New": "Ny",
})
