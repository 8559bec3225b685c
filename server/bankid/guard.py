"""R5: the protected boxes (Assessments R52, Documentation R54) send nothing until the session
has identified the account's own personnummer with BankID, for a configured time."""

from __future__ import annotations

from server.access import Principal
from server.clock import Clock
from server.domain_errors import NotAllowed


def bankid_verified(principal: Principal, clock: Clock) -> bool:
    until = principal.session.bankid_verified_until
    return until is not None and until > clock.now()


def require_bankid(principal: Principal, clock: Clock) -> None:
    if not bankid_verified(principal, clock):
        raise NotAllowed(
            "bankid_required",
            "Identify yourself with BankID to see this. If you don't have BankID, contact the school.",
        )
