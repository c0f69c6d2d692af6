"""How long checking and importing a file of people takes, and the memory it needs.

    .venv/bin/python bench/people_import.py [--people 100000] [--rows 10000] [--no-memory]

Makes a fresh database for the run, as the test runner does, and removes it afterwards: a
temporary SQLite file, or with DATABASE_URL set, a new `test_<name>` database beside the one
named (the named database itself is never used). var/coproduce.sqlite3 is never touched, and
uploads go to a temporary folder. Seeds one organisation's register with N people with
bulk_create (so no audit events are written for the seed), then writes a CSV of M rows (2% of
them likely duplicates of people in the register, 1% of rows above them) and measures:

1. the check made at upload (`check_file`: every cell, the register's rules, duplicates);
2. the import made at confirm (`import_file`: the whole check again, then every row saved
   through `save_person` and `give_consent`, audited, in one transaction), skipping the
   likely duplicates;
3. the register's list of likely duplicates (`find_within` over every person).

Peak memory is measured by tracemalloc in a first pass of 1 and 2 (rolled back, since
tracemalloc slows Python down), then the times in a second pass without it.
"""

import argparse
import csv
import resource
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import harness  # sets up a throw-away environment and starts Django

FIRST = [
    "Pat", "Sam", "Jo", "Alex", "Amara", "Chris", "Fran", "Dee", "Nina", "Priya", "Faisal",
    "Morgan", "Robin", "Taylor", "Jordan", "Casey", "Jamie", "Riley", "Avery", "Quinn",
]  # fmt: skip
LAST = [
    "Evans", "Lewis", "Okafor", "Patel", "Hughes", "Khan", "Obi", "Shah", "Morgan", "Jones",
    "Williams", "Taylor", "Brown", "Davies", "Wilson", "Roberts", "Walker", "Wright", "Green",
    "Hall", "Wood", "Clarke", "Hill", "Scott", "Cooper", "Ward", "Turner", "Baker", "Price",
]  # fmt: skip
HEADINGS = [
    "name", "email", "mobile", "postcode", "preferred_channel", "preferred_format", "needs",
    "communities", "consent_contact", "consent_method",
]  # fmt: skip
NEEDS = ["", "step_free", "Hearing loop; quiet_room", "large_print_papers", ""]


def name_for(number: int) -> str:
    return (
        f"{FIRST[number % len(FIRST)]} {LAST[(number // len(FIRST)) % len(LAST)]} "
        f"{LAST[(number // 7) % len(LAST)]}-{number % 97}"
    )


def postcode_for(number: int) -> str:
    """A different postcode for each of the first 200,000 numbers."""
    letters = "ABDEFGHJLNPQRSTUWXYZ"[number // 10_000 % 20] + "ABDEFGHJLN"[number // 1000 % 10]
    return f"NS{number % 1000} {number // 200_000 % 10}{letters}"


def seed(people: int) -> dict[str, Any]:
    from django.db import transaction

    from coproduce.accounts.models import Membership, Organisation, OrganisationKind, Role, User
    from coproduce.people.models import Community, Person

    with transaction.atomic():
        council = Organisation.objects.create(
            name="Benchshire Council", slug="benchshire", kind=OrganisationKind.COUNCIL
        )
        user = User.objects.create_user(username="facilitator", first_name="Fran")
        Membership.objects.create(user=user, organisation=council, role=Role.FACILITATOR)
        for name in ("Carers", "Young people", "Deaf community"):
            Community.objects.create(organisation=council, name=name, kind="interest")
        Person.objects.bulk_create(
            (
                Person(
                    organisation=council,
                    name=name_for(number),
                    email=f"person{number}@example.org",
                    mobile=f"07700 {number:06d}" if number % 3 == 0 else "",
                    postcode=postcode_for(number),
                )
                for number in range(people)
            ),
            batch_size=5000,
        )
    return {"organisation": council, "user": user}


def write_file(path: Path, rows: int, people: int) -> list[int]:
    """The CSV, and the numbers of the rows that are likely duplicates."""
    duplicates = []
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADINGS)
        for index in range(rows):
            number = people + index
            row_number = index + 2
            name, email, postcode = name_for(number), f"new{number}@example.org", ""
            mobile = f"07800 {number:06d}"
            if index % 50 == 7:  # someone already in the register, their name reordered
                known = (index * 7919) % people
                first, *rest = name_for(known).split(" ")
                name, email = " ".join([*rest, first]), f"PERSON{known}@example.org"
                duplicates.append(row_number)
            elif index % 100 == 11:  # the person two rows above, again, by phone
                name, email, mobile = name_for(number - 2), "", f"07800 {number - 2:06d}"
                duplicates.append(row_number)
            else:
                postcode = postcode_for(number)
            writer.writerow(
                [
                    name, email, mobile, postcode, "", ["", "large_print"][index % 2],
                    NEEDS[index % len(NEEDS)], ["", "Carers", "young people"][index % 3],
                    ["yes", "no"][index % 2], ["paper", ""][index % 2],
                ]
            )  # fmt: skip
    return duplicates


def run(path: Path, seeded: dict[str, Any], skip: list[int]) -> dict[str, Any]:
    from coproduce.audit.context import acting_as
    from coproduce.people.import_services import check_file, import_file

    organisation, user = seeded["organisation"], seeded["user"]
    began = time.perf_counter()
    check, _, _ = check_file(path, path.name, "people", organisation)
    checked = time.perf_counter() - began
    if check.problems:
        raise SystemExit("\n".join(check.problems[:10]))
    began = time.perf_counter()
    with acting_as(user):
        result = import_file(path, path.name, "people", organisation, user, skip)
    imported = time.perf_counter() - began
    return {"check": check, "checked": checked, "result": result, "imported": imported}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000, help="people in the register")
    parser.add_argument("--rows", type=int, default=10_000, help="rows in the file")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc pass")
    arguments = parser.parse_args()
    if arguments.people < 1 or arguments.rows < 1:
        parser.error("--people and --rows must be at least 1")

    from django.db import connection, transaction

    from coproduce.people.import_services import register_duplicates
    from coproduce.people.models import Person

    with harness.fresh_database():
        began = time.perf_counter()
        seeded = seed(arguments.people)
        harness.analyse()
        print(
            f"{arguments.people:,} people seeded in {time.perf_counter() - began:.1f}s on "
            f"{connection.vendor}"
        )
        path = harness.TEMP / "people.csv"
        skip = write_file(path, arguments.rows, arguments.people)
        size = path.stat().st_size / 1024 / 1024
        print(f"file: {arguments.rows:,} rows, {size:.1f} MB, {len(skip)} likely duplicates")

        if not arguments.no_memory:
            tracemalloc.start()
            with transaction.atomic():
                traced = run(path, seeded, skip)
                transaction.set_rollback(True)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(
                f"peak Python memory (tracemalloc) for check + import: {peak / 1024 / 1024:.1f} "
                f"MB (times under tracemalloc: {traced['checked']:.1f}s + "
                f"{traced['imported']:.1f}s)"
            )

        timed = run(path, seeded, skip)
        check, result = timed["check"], timed["result"]
        found = len(check.duplicates)
        checked, imported = timed["checked"], timed["imported"]
        print(
            f"check at upload:   {checked:6.1f}s  ({arguments.rows / checked:,.0f} rows/s; "
            f"{found} rows with likely duplicates, {len(skip)} of them planted)"
        )
        print(
            f"import at confirm: {imported:6.1f}s  ({arguments.rows / imported:,.0f} rows/s; "
            f"checks again, then saves) -> {result.summary()}"
        )
        began = time.perf_counter()
        pairs = register_duplicates(seeded["organisation"])
        listed = time.perf_counter() - began
        began = time.perf_counter()
        register_duplicates(seeded["organisation"])
        cached = time.perf_counter() - began
        print(
            f"register duplicates over {Person.objects.count():,} people: {listed:.1f}s, then "
            f"{cached * 1000:.0f} ms from the cache ({len(pairs)} pairs)"
        )
        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"process peak resident memory (whole run, with the seed): {maxrss:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
