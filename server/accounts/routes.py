"""HTTP for accounts: login/logout, activation, password reset, changing username/password,
and the staff operation that creates a guardian and sends the activation link."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from sqlalchemy import select

from server.access import CurrentPrincipal, require_pupil, require_staff_of_unit
from server.accounts import service
from server.accounts.models import User, UserKind
from server.accounts.schemas import (
    Accepted,
    ActivateIn,
    ActivationInfo,
    ChangePasswordIn,
    ChangePasswordOut,
    ChangeUsernameIn,
    GuardianCreatedOut,
    LoginIn,
    NewGuardianIn,
    PupilOut,
    ResetIn,
    ResetLinkInfo,
    ResetRequestIn,
    SessionOut,
    UserOut,
    pupil_out,
    user_out,
)
from server.deps import NO_STORE, ClockDep, DbDep, SettingsDep, client_address
from server.domain_errors import conflict, not_found
from server.school.models import Guardianship, Pupil, StaffRole
from server.school.service import add_user, link_guardian, valid_personnummer
from server.validation import clean_email, clean_mobile

router = APIRouter(tags=["accounts"])


@router.post("/auth/login", response_model=SessionOut, dependencies=NO_STORE, summary="Log in with username and password (R4)")
def login(body: LoginIn, request: Request, db: DbDep, settings: SettingsDep, clock: ClockDep) -> SessionOut:
    issued = service.login(db, settings, clock, body.username, body.password, client_address(request))
    return SessionOut(token=issued.token, expires_at=issued.session.expires_at, user=user_out(issued.user))


@router.post("/auth/logout", status_code=204, summary="Revoke this session")
def logout(principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> Response:
    service.logout(db, clock, principal.session)
    return Response(status_code=204)


@router.get("/auth/session", response_model=SessionOut, summary="The current session and user")
def current_session(principal: CurrentPrincipal) -> SessionOut:
    return SessionOut(token="", expires_at=principal.session.expires_at, user=user_out(principal.user))


@router.get("/activations/{token}", response_model=ActivationInfo, summary="Check an activation link (R3)")
def inspect_activation(token: str, db: DbDep, clock: ClockDep) -> ActivationInfo:
    user, expires_at = service.inspect_activation(db, clock, token)
    return ActivationInfo(first_name=user.first_name, last_name=user.last_name, expires_at=expires_at)


@router.post("/activations/{token}", response_model=UserOut, summary="Choose username and password through an activation link (R3)")
def activate(token: str, body: ActivateIn, db: DbDep, settings: SettingsDep, clock: ClockDep) -> UserOut:
    return user_out(service.activate(db, settings, clock, token, body.username, body.password))


@router.post("/password-resets", response_model=Accepted, status_code=202, summary="Ask for a password-reset link")
def request_password_reset(body: ResetRequestIn, request: Request, db: DbDep, settings: SettingsDep, clock: ClockDep) -> Accepted:
    service.request_password_reset(db, settings, clock, body.identifier, client_address(request))
    return Accepted()


@router.get("/password-resets/{token}", response_model=ResetLinkInfo, summary="Check a password-reset link before choosing a new password")
def inspect_password_reset(token: str, db: DbDep, clock: ClockDep) -> ResetLinkInfo:
    expires_at = service.inspect_password_reset(db, clock, token)
    return ResetLinkInfo(expires_at=expires_at, min_password_length=service.MIN_PASSWORD, max_password_length=service.MAX_PASSWORD)


@router.post("/password-resets/{token}", status_code=204, summary="Set a new password through a reset link")
def reset_password(token: str, body: ResetIn, db: DbDep, settings: SettingsDep, clock: ClockDep) -> Response:
    service.reset_password(db, settings, clock, token, body.new_password)
    return Response(status_code=204)


@router.put("/account/username", response_model=UserOut, summary="Change username (R6)")
def change_username(body: ChangeUsernameIn, principal: CurrentPrincipal, db: DbDep, settings: SettingsDep) -> UserOut:
    return user_out(service.change_username(db, settings, principal.user, body.new_username, body.current_password))


@router.put("/account/password", response_model=ChangePasswordOut, summary="Change password; other sessions are revoked (R6)")
def change_password(body: ChangePasswordIn, principal: CurrentPrincipal, db: DbDep, settings: SettingsDep, clock: ClockDep) -> ChangePasswordOut:
    revoked = service.change_password(db, settings, clock, principal.user, principal.session, body.current_password, body.new_password)
    return ChangePasswordOut(other_sessions_revoked=revoked)


@router.get("/pupils/{pupil_id}", response_model=PupilOut, tags=["school"], summary="A pupil the user may see (R2)")
def get_pupil(pupil_id: int, principal: CurrentPrincipal, db: DbDep) -> PupilOut:
    return pupil_out(require_pupil(db, principal.user, pupil_id))


@router.post("/staff/guardians", response_model=GuardianCreatedOut, status_code=201, tags=["staff"], summary="Create a guardian account and send the activation email (R3)")
def create_guardian(body: NewGuardianIn, principal: CurrentPrincipal, db: DbDep, settings: SettingsDep, clock: ClockDep) -> GuardianCreatedOut:
    pupils = []
    for pupil_id in dict.fromkeys(body.pupil_ids):
        pupil = db.get(Pupil, pupil_id)
        if pupil is None:
            raise not_found("pupil")
        require_staff_of_unit(db, principal.user, pupil.unit_id, {StaffRole.ADMINISTRATOR})
        pupils.append(pupil)
    email = clean_email(body.email)
    phone = clean_mobile(body.phone) if body.phone else None
    pnr = valid_personnummer(body.personnummer, clock)
    guardian = db.scalar(select(User).where(User.personnummer == pnr))
    if guardian is None:
        guardian = add_user(db, clock, UserKind.GUARDIAN, body.first_name.strip(), body.last_name.strip(), personnummer=pnr, email=email, phone=phone, language=body.language)
    elif guardian.kind != UserKind.GUARDIAN:
        raise conflict("account_exists", "An account of another kind has this personnummer.")
    linked = set(db.scalars(select(Guardianship.pupil_id).where(Guardianship.guardian_id == guardian.id)))
    for pupil in pupils:
        if pupil.id not in linked:
            link_guardian(db, guardian, pupil)
    sent = False
    if guardian.password_hash is None:
        service.send_activation(db, settings, clock, guardian)
        sent = True
    return GuardianCreatedOut(
        id=guardian.id, first_name=guardian.first_name, last_name=guardian.last_name, email=guardian.email, phone=guardian.phone,
        pupil_ids=sorted(linked | {p.id for p in pupils}), activation_sent=sent,
    )


@router.post("/staff/guardians/{guardian_id}/activation", response_model=Accepted, status_code=202, tags=["staff"], summary="Send a new activation link (R3)")
def resend_activation(guardian_id: int, principal: CurrentPrincipal, db: DbDep, settings: SettingsDep, clock: ClockDep) -> Accepted:
    guardian = db.get(User, guardian_id)
    if guardian is None or guardian.kind != UserKind.GUARDIAN:
        raise not_found("guardian")
    unit_ids = set(db.scalars(select(Pupil.unit_id).join(Guardianship, Guardianship.pupil_id == Pupil.id).where(Guardianship.guardian_id == guardian.id)))
    if not unit_ids:
        raise not_found("guardian")
    errors = []
    for unit_id in sorted(unit_ids):
        try:
            require_staff_of_unit(db, principal.user, unit_id, {StaffRole.ADMINISTRATOR})
            break
        except Exception as exc:  # try the guardian's other units
            errors.append(exc)
    else:
        raise errors[0]
    service.send_activation(db, settings, clock, guardian)
    return Accepted()
