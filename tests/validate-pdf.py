#!/usr/bin/env python3
"""Validate PDFs against the standards each declares, with page-validation.

Usage: validate-pdf.py [--profile PROFILE]... [--quiet] FILE.pdf...

Each file is checked against every standard its XMP metadata declares (pdfuaid:part for
PDF/UA, pdfaid:part and pdfaid:conformance for PDF/A), or against the profiles named with
--profile (ua1, 1a, 1b, 2a, 2b, 2u, 3a, 3b, 3u). Every failed rule is printed with its
message; the exit code is 0 when every file passes every profile, 1 when any fails or
declares no standard, 2 when the command line is wrong or page-validation is missing.

This script installs nothing: run it with a Python that has page-validation
(`python3 -m venv v && v/bin/pip install page-validation`), as .ci/run does.
"""

import argparse
import re
import sys

PROFILES = ["ua1", "1a", "1b", "2a", "2b", "2u", "3a", "3b", "3u"]

# XMP writes a property as an element (<pdfaid:part>2</pdfaid:part>) or an attribute
# (pdfaid:part="2"); typst writes elements, other producers attributes.
def _property(xmp, name):
    match = re.search(
        rb"<" + name + rb">\s*([^<\s]+)\s*</" + name + rb">|" + name + rb"\s*=\s*[\"']([^\"']+)[\"']",
        xmp,
    )
    if not match:
        return None
    return (match.group(1) or match.group(2)).decode("ascii", "replace")


def declared_profiles(path):
    """The page-validation profiles a PDF's metadata declares, in a fixed order."""
    with open(path, "rb") as file:
        data = file.read()
    profiles = []
    part = _property(data, rb"pdfaid:part")
    conformance = _property(data, rb"pdfaid:conformance")
    if part and conformance:
        profiles.append(part + conformance.lower())
    if _property(data, rb"pdfuaid:part") == "1":
        profiles.append("ua1")
    return profiles


def ends_in_cr_falsely_flagged(path, failure):
    """Whether a STREAM-LENGTH failure is page-validation 0.11 misreading a stream whose data
    ends in a CR byte: /Length is right, the data is followed by LF and `endstream`, and the
    validator takes the data's last CR and that LF for one CRLF end of line. Checked on the
    file itself, object by object, so a real wrong /Length still fails."""
    if "STREAM-LENGTH" not in failure.rule_id or failure.object_id is None:
        return False
    number = failure.object_id.object_number
    with open(path, "rb") as file:
        data = file.read()
    header = re.search(rb"(?:^|[\r\n])" + str(number).encode() + rb" 0 obj\s*<<", data)
    if not header:
        return False
    length = re.compile(rb"/Length (\d+)(?! \d+ R)").search(data, header.end())
    start = re.compile(rb"stream(\r\n|\n)").search(data, header.end())
    if not length or not start or length.start() > start.start():
        return False
    end = start.end() + int(length.group(1))
    return data[end - 1 : end] == b"\r" and data[end : end + 10] == b"\nendstream"


def main():
    parser = argparse.ArgumentParser(
        description="Validate PDFs against the standards each declares, with page-validation."
    )
    parser.add_argument(
        "--profile",
        action="append",
        choices=PROFILES,
        help="check this profile instead of the declared ones (repeatable)",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="print only failures, not the files that pass"
    )
    parser.add_argument("files", nargs="+", metavar="FILE.pdf")
    args = parser.parse_args()

    try:
        import page
    except ImportError:
        print(
            "error: page-validation is not installed in this Python ({})".format(sys.executable),
            file=sys.stderr,
        )
        print("hint: python3 -m venv v && v/bin/pip install page-validation", file=sys.stderr)
        return 2

    failed = 0
    for path in args.files:
        try:
            profiles = args.profile or declared_profiles(path)
        except OSError as error:
            print("FAIL {}: cannot read it ({})".format(path, error.strerror))
            failed += 1
            continue
        if not profiles:
            print("FAIL {}: declares no PDF/A or PDF/UA standard in its metadata".format(path))
            failed += 1
            continue
        for profile in profiles:
            try:
                report = page.validate_pdf(path, profile=profile)
            except Exception as error:  # page raises its own types for unreadable files
                print("FAIL {} ({}): {}".format(path, profile, error))
                failed += 1
                continue
            rules = report.to_dict()["rules"]
            failures = list(report.failures)
            misread = [ends_in_cr_falsely_flagged(path, f) for f in failures]
            real = [f for f, m in zip(failures, misread) if not m]
            for failure in [f for f, m in zip(failures, misread) if m]:
                print(
                    "note {} ({}): {} on object {} is the validator misreading stream data that ends in a CR byte (its /Length is right)".format(
                        path, profile, failure.rule_id, failure.object_id
                    )
                )
            if report.is_compliant or not real:
                if not args.quiet:
                    print("ok   {} ({}: {} rules passed)".format(path, profile, rules["passed"]))
                continue
            failed += 1
            print(
                "FAIL {} ({}: {} of {} rules failed)".format(
                    path, profile, rules["failed"], rules["total"]
                )
            )
            for failure in real:
                print("  {}: {}".format(failure.rule_id, failure.message))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
