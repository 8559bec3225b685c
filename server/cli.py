"""`skolhub …`: serve, migrate, seed the demo, create a guardian, run the outbox worker."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from typing import Any

from server.clock import Clock, clock_for
from server.config import Settings
from server.db import make_engine, make_sessionmaker, unit_of_work

COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace, Settings], int]]] = {}


def _clock(settings: Settings) -> Clock:
    return clock_for(settings.fixed_now, settings.clock_start)


def command(name: str, help: str, configure: Callable[[argparse.ArgumentParser], None] = lambda p: None):  # type: ignore[no-untyped-def]
    def register(fn: Callable[[argparse.Namespace, Settings], int]) -> Callable[[argparse.Namespace, Settings], int]:
        COMMANDS[name] = (help, configure, fn)
        return fn

    return register


@command("migrate", "Bring the database schema up to date (Alembic).")
def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    from server.migrate import upgrade

    upgrade(settings.database_url)
    print("database is up to date")
    return 0


def _serve_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1, help="worker processes (state lives in the database)")


# uvicorn closes an idle keep-alive connection after 5 s by default — exactly when a client
# (httpx: 5 s) or a reverse proxy (nginx upstream keepalive_timeout and load balancers: 60 s)
# may reuse it, which fails that request. The server must be the side that waits longest.
KEEP_ALIVE_SECONDS = 75


def uvicorn_options() -> dict[str, Any]:
    """uvicorn's own X-Forwarded-For handling is off: it trusts loopback by default, which lets
    anyone on the machine (or behind an untrusted hop) pick their address and step around the
    per-address lockout. The app applies forwarded headers itself, and only when
    SKOLHUB_TRUST_FORWARDED_FOR is on, from SKOLHUB_FORWARDED_ALLOW_IPS (server/app.py)."""
    return {"log_level": "info", "proxy_headers": False, "server_header": False, "timeout_keep_alive": KEEP_ALIVE_SECONDS}


@command("serve", "Serve the API with uvicorn.", _serve_args)
def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    uvicorn.run("server.app:create_app", factory=True, host=args.host, port=args.port, workers=args.workers, **uvicorn_options())
    return 0


def _seed_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seed", type=int, default=2026)


@command("seed-demo", "Fill an empty database with the demo school.", _seed_args)
def _seed(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import func, select

    from server.demo import seed_demo
    from server.school.models import Organisation

    factory = make_sessionmaker(make_engine(settings.database_url))
    with unit_of_work(factory) as db:
        if db.scalar(select(func.count()).select_from(Organisation)):
            print("the database already has data; seed-demo only fills an empty one", file=sys.stderr)
            return 1
        world = seed_demo(db, _clock(settings), settings, seed=args.seed)
    print_logins(world)
    return 0


def print_logins(world) -> None:  # type: ignore[no-untyped-def]
    print("Demo logins (username / password):")
    for login in world.logins:
        print(f"  {login.username:<16} {login.password:<14} {login.who}")


def _guardian_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--first-name", required=True)
    p.add_argument("--last-name", required=True)
    p.add_argument("--personnummer", required=True)
    p.add_argument("--email", required=True)
    p.add_argument("--phone")
    p.add_argument("--language", choices=["sv", "en"], default="sv")
    p.add_argument("--child", action="append", required=True, metavar="PERSONNUMMER", help="a child's personnummer (repeatable)")


@command("create-guardian", "Create a guardian account for existing pupils and send the activation email.", _guardian_args)
def _create_guardian(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import select

    from server.accounts.models import User, UserKind
    from server.accounts.service import send_activation
    from server.domain_errors import DomainError
    from server.school.models import Pupil
    from server.school.service import add_user, link_guardian, valid_personnummer
    from server.validation import clean_email, clean_mobile

    clock = _clock(settings)
    factory = make_sessionmaker(make_engine(settings.database_url))
    try:
        with unit_of_work(factory) as db:
            children = []
            for pnr in args.child:
                pupil = db.scalar(select(Pupil).where(Pupil.personnummer == valid_personnummer(pnr, clock, "child")))
                if pupil is None:
                    print("no pupil with that personnummer", file=sys.stderr)
                    return 1
                children.append(pupil)
            pnr = valid_personnummer(args.personnummer, clock)
            guardian = db.scalar(select(User).where(User.personnummer == pnr))
            if guardian is None:
                guardian = add_user(
                    db, clock, UserKind.GUARDIAN, args.first_name, args.last_name, personnummer=pnr, email=clean_email(args.email),
                    phone=clean_mobile(args.phone) if args.phone else None, language=args.language,
                )
            for child in children:
                link_guardian(db, guardian, child)
            send_activation(db, settings, clock, guardian)
            print(f"guardian {guardian.id} created; activation email queued (run `skolhub worker` to send it)")
    except DomainError as exc:
        print(f"{exc.code}: {exc.message}", file=sys.stderr)
        return 1
    return 0


def _worker_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--once", action="store_true", help="send what is due and exit")
    p.add_argument("--poll", type=float, default=2.0)


@command("worker", "Run the outbox worker (email and SMS).", _worker_args)
def _worker(args: argparse.Namespace, settings: Settings) -> int:
    from server.outbox.adapters import adapters_from_settings
    from server.outbox.worker import run_forever, run_once

    factory = make_sessionmaker(make_engine(settings.database_url))
    adapters = adapters_from_settings(settings)
    if args.once:
        print(f"sent {run_once(factory, _clock(settings), settings, adapters)}")
        return 0
    run_forever(factory, _clock(settings), settings, adapters, args.poll)
    return 0


def _import_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="the Navetavisering XML file of the nightly transfer")


@command("import-addresses", "Import addresses from the population register (Skatteverket Navet XML, R11).", _import_args)
def _import_addresses(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from server.population.navet import NavetFormatError
    from server.population.service import ImportReport, import_file

    path = Path(args.file)
    if not path.is_file():
        print(f"no such file: {path}", file=sys.stderr)
        return 1
    factory = make_sessionmaker(make_engine(settings.database_url))
    report = ImportReport()
    status = 0
    try:
        import_file(factory, _clock(settings), path, report)
    except NavetFormatError as exc:
        print(f"stopped: {exc}; the records before it were imported", file=sys.stderr)
        status = 2
    for problem in report.problems:  # positions only: never a personnummer in the output
        print(f"skipped record {problem.number} (line {problem.line}): {problem.reason}", file=sys.stderr)
    if report.malformed > len(report.problems):
        print(f"… and {report.malformed - len(report.problems)} more malformed records", file=sys.stderr)
    print(report.summary())
    return status
def _simulator_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8090)
    p.add_argument("--tls-cert", help="server certificate (PEM); with --tls-key the simulator speaks HTTPS")
    p.add_argument("--tls-key", help="server private key (PEM)")
    p.add_argument("--client-ca", help="CA (PEM) that must have issued the RP client certificate (mutual TLS)")
    p.add_argument("--people-from-database", action="store_true", help="offer the people in SKOLHUB_DATABASE_URL on the page")


@command("bankid-simulator", "Run the BankID simulator (RP API v6.0 and a small 'BankID app' page).", _simulator_args)
def _bankid_simulator(args: argparse.Namespace, settings: Settings) -> int:
    import ssl

    import uvicorn

    from server.bankid.simulator import create_simulator_app, people_from_database

    people = people_from_database(make_sessionmaker(make_engine(settings.database_url))) if args.people_from_database else None
    app = create_simulator_app(_clock(settings), people)
    tls: dict[str, object] = {}
    if args.tls_cert:
        tls = {"ssl_certfile": args.tls_cert, "ssl_keyfile": args.tls_key}
        if args.client_ca:
            tls.update(ssl_ca_certs=args.client_ca, ssl_cert_reqs=ssl.CERT_REQUIRED)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", **tls)  # type: ignore[arg-type]
    return 0


@command("housekeeping", "Remove expired idempotency records, login failures, sessions, links and BankID orders.")
def _housekeeping(args: argparse.Namespace, settings: Settings) -> int:
    from server.housekeeping import run_housekeeping

    removed = run_housekeeping(make_sessionmaker(make_engine(settings.database_url)), _clock(settings), settings)
    print(", ".join(f"{count} {what.replace('_', ' ')}" for what, count in removed.items()) + " removed")
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(prog="skolhub", description="Skolhub server tools. Settings come from SKOLHUB_* variables.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (help_text, configure, _fn) in COMMANDS.items():
        configure(sub.add_parser(name, help=help_text, description=help_text))
    args = parser.parse_args(argv)
    return COMMANDS[args.command][2](args, Settings())


if __name__ == "__main__":
    sys.exit(main())
