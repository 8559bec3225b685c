"""Swedish texts of the messages area (issue 11: reply, new message, drafts, outbox)."""

SV = {
    # services/compose.py
    "Waiting for connection": "Väntar på anslutning",
    "Sent": "Skickat",
    "Could not be sent": "Kunde inte skickas",
    "Choose at least one recipient.": "Välj minst en mottagare.",
    "A message can have at most 50 recipients.": "Ett meddelande kan ha högst 50 mottagare.",
    "You can only write to staff at your child's school or preschool.": "Du kan bara skriva till personal på ditt barns skola eller förskola.",
    "Write a title for the message.": "Skriv en rubrik för meddelandet.",
    "The title can be at most 200 characters.": "Rubriken får vara högst 200 tecken.",
    "Write a message.": "Skriv ett meddelande.",
    "A message can be at most 10,000 characters.": "Ett meddelande får vara högst 10 000 tecken.",
    "The message contains characters that cannot be sent.": "Meddelandet innehåller tecken som inte kan skickas.",
}
