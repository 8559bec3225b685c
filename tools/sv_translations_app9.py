"""Swedish texts of the app's declarative foundation (issue 9): back arrow, data states, errors,
password reset."""

SV = {
    "Back": "Tillbaka",
    "This is not available from the school's server yet.": "Det här finns inte på skolans server ännu.",
    "Try again": "Försök igen",
    # errors the server sends
    "This account is already activated. Log in with your username and password.":
        "Kontot är redan aktiverat. Logga in med ditt användarnamn och lösenord.",
    "Choose Swedish or English.": "Välj svenska eller engelska.",
    "That is too large to send.": "Det är för stort för att skickas.",
    "The file is too large.": "Filen är för stor.",
    "That kind of file cannot be added here.": "Den sortens fil kan inte läggas till här.",
    "You are not allowed to do this.": "Du har inte behörighet att göra det här.",
    # password reset
    "The password needs at least {n} characters.": "Lösenordet behöver minst {n} tecken.",
    "Your new password is saved. Log in with it.": "Ditt nya lösenord är sparat. Logga in med det.",
    "Write your username or email address.": "Skriv ditt användarnamn eller din e-postadress.",
    "This link has already been used. You can ask for a new one here.": "Länken har redan använts. Du kan be om en ny här.",
    "This link has expired. You can ask for a new one here.": "Länken har gått ut. Du kan be om en ny här.",
    "This link is not valid. You can ask for a new one here.": "Länken är inte giltig. Du kan be om en ny här.",
    "Username or email address": "Användarnamn eller e-postadress",
    "Send a new link": "Skicka en ny länk",
    "Choose the new password for your account. You are then logged out on every device.":
        "Välj det nya lösenordet för ditt konto. Du loggas sedan ut på alla enheter.",
    "At least {min} and at most {max} characters. A few words in a row are easy to remember.":
        "Minst {min} och högst {max} tecken. Några ord i rad är lätta att komma ihåg.",
    "Save new password": "Spara nytt lösenord",
    "The link is valid until {time}.": "Länken gäller till {time}.",
}
