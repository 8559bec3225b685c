"""Swedish texts of the app's declarative foundation (issue 9): back arrow, data states, password reset."""

SV = {
    "Back": "Tillbaka",
    "This is not available from the school's server yet.": "Det här finns inte på skolans server ännu.",
    "Try again": "Försök igen",
}
