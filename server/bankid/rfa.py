"""BankID's recommended user messages (RFA codes) in Swedish and English, and which message
each status, hintCode and error answer calls for (BankID RP guidelines for API v6.0)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rfa:
    code: str
    sv: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "sv": self.sv, "en": self.en}


_TEXTS: dict[str, tuple[str, str]] = {
    "RFA1": ("Starta BankID-appen.", "Start your BankID app."),
    "RFA2": (
        "Du har inte BankID-appen installerad. Kontakta din bank.",
        "The BankID app is not installed. Please contact your bank.",
    ),
    "RFA3": ("Åtgärden avbruten. Försök igen.", "Action cancelled. Please try again."),
    "RFA4": (
        "En identifiering eller underskrift för det här personnumret är redan påbörjad. Försök igen.",
        "An identification or signing for this personal number is already started. Please try again.",
    ),
    "RFA5": ("Internt tekniskt fel. Försök igen.", "Internal error. Please try again."),
    "RFA6": ("Åtgärden avbruten.", "Action cancelled."),
    "RFA8": (
        "BankID-appen svarar inte. Kontrollera att den är startad och att du har internetanslutning. "
        "Om du inte har något giltigt BankID kan du skaffa ett hos din bank. Försök sedan igen.",
        "The BankID app is not responding. Please check that it's started and that you have internet access. "
        "If you don't have a valid BankID you can get one from your bank. Try again.",
    ),
    "RFA9": (
        "Skriv in din säkerhetskod i BankID-appen och välj Identifiera eller Skriv under.",
        "Enter your security code in the BankID app and select Identify or Sign.",
    ),
    "RFA13": ("Försöker starta BankID-appen.", "Trying to start your BankID app."),
    "RFA14": (
        "Söker efter BankID, det kan ta en liten stund … Om det har gått några sekunder och inget BankID har hittats "
        "har du sannolikt inget BankID som går att använda för den aktuella identifieringen/underskriften i den här enheten. "
        "Om du inte har något BankID kan du skaffa ett hos din bank. Om du har ett BankID på en annan enhet kan du starta "
        "din BankID-app där.",
        "Searching for BankID, it may take a little while … If a few seconds have passed and still no BankID has been "
        "found, you probably don't have a BankID which can be used for this identification/signing on this device. "
        "If you don't have a BankID you can get one from your bank. If you have a BankID on another device you can "
        "start the BankID app on that device.",
    ),
    "RFA15": (
        "Söker efter BankID:n, det kan ta en liten stund … Om det har gått några sekunder och inget BankID har hittats "
        "har du sannolikt inget BankID som går att använda för den aktuella identifieringen/underskriften i den här datorn. "
        "Om du har ett BankID-kort, sätt in det i kortläsaren. Om du inte har något BankID kan du skaffa ett hos din bank.",
        "Searching for BankID:s, it may take a little while … If a few seconds have passed and still no BankID has been "
        "found, you probably don't have a BankID which can be used for this identification/signing on this computer. "
        "If you have a BankID card, please insert it into your card reader. If you don't have a BankID you can get one "
        "from your bank.",
    ),
    "RFA16": (
        "Det BankID du försöker använda är för gammalt eller spärrat. Använd ett annat BankID eller skaffa ett nytt hos din bank.",
        "The BankID you are trying to use is blocked or too old. Please use another BankID or get a new one from your bank.",
    ),
    "RFA17": (
        "Misslyckades att läsa av QR-koden. Starta BankID-appen och läs av QR-koden. Kontrollera att BankID-appen är "
        "uppdaterad. Om du inte har BankID-appen måste du installera den och skaffa ett BankID hos din bank. Installera "
        "appen från din appbutik eller https://install.bankid.com.",
        "Failed to scan the QR code. Start the BankID app and scan the QR code. Check that the BankID app is up to date. "
        "If you don't have the BankID app, you need to install it and get a BankID from your bank. Install the app from "
        "your app store or https://install.bankid.com.",
    ),
    "RFA18": ("Starta BankID-appen", "Start the BankID app"),
    "RFA19": (
        "Vill du identifiera dig eller skriva under med BankID på den här datorn eller med ett Mobilt BankID?",
        "Would you like to identify yourself or sign with a BankID on this computer or with a Mobile BankID?",
    ),
    "RFA20": (
        "Vill du identifiera dig eller skriva under med ett BankID på den här enheten eller med ett BankID på en annan enhet?",
        "Would you like to identify yourself or sign with a BankID on this device or with a BankID on another device?",
    ),
    "RFA21": ("Identifiering eller underskrift pågår.", "Identification or signing in progress."),
    "RFA22": ("Okänt fel. Försök igen.", "Unknown error. Please try again."),
    "RFA23": (
        "Fotografera och läs av din ID-handling med BankID-appen.",
        "Process your machine-readable travel document using the BankID app.",
    ),
}

RFA: dict[str, Rfa] = {code: Rfa(code, sv, en) for code, (sv, en) in _TEXTS.items()}

# Skolhub's own messages for outcomes BankID has no RFA for (our rule R5, not BankID's).
OWN: dict[str, Rfa] = {
    "bankid_personnummer_mismatch": Rfa(
        "bankid_personnummer_mismatch",
        "Det BankID du använde tillhör inte det här kontot. Identifiera dig med ditt eget BankID. "
        "Om du inte har BankID, kontakta skolan.",
        "The BankID you used does not belong to this account. Identify yourself with your own BankID. "
        "If you don't have BankID, contact the school.",
    ),
    "bankid_complete": Rfa(
        "bankid_complete",
        "Klart! Du är identifierad med BankID.",
        "Done! You are identified with BankID.",
    ),
    "bankid_no_account": Rfa(
        "bankid_no_account",
        "Det finns inget konto i Skolhub för det här personnumret. Kontakta skolan eller förskolan.",
        "There is no Skolhub account for this personal identity number. Contact the school or preschool.",
    ),
}

PENDING_HINTS = {
    "outstandingTransaction",
    "noClient",
    "started",
    "userMrtd",
    "userCallConfirm",
    "userSign",
}
FAILED_HINTS = {
    "expiredTransaction",
    "certificateErr",
    "userCancel",
    "cancelled",
    "startFailed",
    "userDeclinedCall",
    "notSupportedByUserApp",
    "transactionRiskBlocked",
}


def for_pending(hint_code: str | None, *, on_this_device: bool) -> Rfa:
    """The message while an order is pending. An unknown pending hintCode gives RFA21."""
    if hint_code in ("outstandingTransaction", "noClient"):
        # Started with the autostart token on this device: "Trying to start your BankID app".
        return (
            RFA["RFA13"]
            if on_this_device and hint_code == "outstandingTransaction"
            else RFA["RFA1"]
        )
    if hint_code == "started":
        return RFA["RFA14"] if on_this_device else RFA["RFA15"]
    if hint_code in ("userSign", "userCallConfirm"):
        return RFA["RFA9"]
    if hint_code == "userMrtd":
        return RFA["RFA23"]
    return RFA["RFA21"]


def for_failed(hint_code: str | None) -> Rfa:
    """The message for a failed order. An unknown failure hintCode gives RFA22."""
    mapping = {
        "expiredTransaction": "RFA8",
        "certificateErr": "RFA16",
        "userCancel": "RFA6",
        "cancelled": "RFA3",
        "startFailed": "RFA17",
        "userDeclinedCall": "RFA3",
        "notSupportedByUserApp": "RFA3",
        "transactionRiskBlocked": "RFA22",
    }
    return RFA[mapping.get(hint_code or "", "RFA22")]


def for_error(error_code: str) -> Rfa:
    """The message for an error answer from the RP API."""
    if error_code == "alreadyInProgress":
        return RFA["RFA4"]
    if error_code in (
        "internalError",
        "maintenance",
        "requestTimeout",
        "tooManyRequests",
        "unavailable",
    ):
        return RFA["RFA5"]
    return RFA["RFA22"]
