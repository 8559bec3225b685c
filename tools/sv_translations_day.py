"""Swedish texts of the school-day screens (issue 10): absence, development talks and
leisure-time registration. Keyed by the English msgid; the labels are the guide's own words."""

SV = {
    # services/schoolday.py: the server's refusals
    "The times must lie within the opening hours {opens}–{closes}.": "Tiderna måste ligga inom öppettiden {opens}–{closes}.",
    "Absence can be reported for today or tomorrow only. Contact the school otherwise.": "Frånvaro kan bara anmälas för i dag eller i morgon. Kontakta skolan annars.",
    "The child has no lessons that day.": "Barnet har inga lektioner den dagen.",
    "Choose the lessons the child will miss, or report the whole day.": "Välj de lektioner barnet missar, eller anmäl heldag.",
    "A chosen lesson is not on the child's schedule that day.": "En vald lektion finns inte på barnets schema den dagen.",
    "Choose a reason.": "Välj en orsak.",
    "The comment is too long.": "Kommentaren är för lång.",
    "Students cannot report absence; a guardian does.": "Elever kan inte anmäla frånvaro; det gör en vårdnadshavare.",
    "Someone else has just booked that time. Choose another time.": "Någon annan har precis bokat den tiden. Välj en annan tid.",
    "The child already has a booked time for these talks. Cancel it first to choose another.": "Barnet har redan en bokad tid för de här samtalen. Avboka den först för att välja en annan.",
    "That time has already passed.": "Den tiden har redan passerat.",
    "A talk that has started or passed cannot be cancelled.": "Ett samtal som har börjat eller passerat kan inte avbokas.",
    "Students cannot book development talks; a guardian does.": "Elever kan inte boka utvecklingssamtal; det gör en vårdnadshavare.",
    "This day can no longer be changed. Send a message to the staff or phone them.": "Den här dagen kan inte längre ändras. Skicka ett meddelande till personalen eller ring.",
    "The unit is closed that day.": "Enheten är stängd den dagen.",
    "The start time must be before the end time.": "Starttiden måste vara före sluttiden.",
    "The times must lie within the opening hours.": "Tiderna måste ligga inom öppettiden.",
    "Start on a week whose Monday can still be scheduled.": "Börja på en vecka vars måndag fortfarande går att schemalägga.",
    "Check the repetition: every 1–53 weeks, for at most a year.": "Kontrollera upprepningen: var 1–53:e vecka, högst ett år.",
    "Students cannot register leisure time; a guardian does.": "Elever kan inte registrera vistelsetider; det gör en vårdnadshavare.",
    "The child is not enrolled in fritids or preschool.": "Barnet är inte inskrivet på fritids eller förskola.",
}

EN_OVERRIDES: dict[str, str] = {}
