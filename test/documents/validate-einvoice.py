#!/usr/bin/env python3
"""Runs a compiled Schematron (XSLT producing SVRL) over e-invoice XML files with saxonche.

Usage: validate-einvoice.py --saxonche DIR --xslt FILE XML...
Prints one JSON object: {"results": [{"file": ..., "failed": [{"id", "flag", "location", "text"}]}]}.
The stylesheet is compiled once per call, so pass all files of a test run together (compiling
the EN 16931 stylesheet is most of the ~1 s that one invoice costs). Exit code 0 unless the
tool itself failed; deciding which failed asserts matter is the caller's business.
"""
import argparse
import json
import sys
import xml.etree.ElementTree as ET

SVRL = "{http://purl.oclc.org/dsdl/svrl}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--saxonche", required=True, help="pip --target folder holding saxonche")
    parser.add_argument("--xslt", required=True, help="compiled Schematron stylesheet")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()

    sys.path.insert(0, args.saxonche)
    from saxonche import PySaxonProcessor  # noqa: E402 (lives in the project's .tools/)

    results = []
    with PySaxonProcessor(license=False) as processor:
        executable = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=args.xslt)
        for path in args.files:
            svrl = executable.transform_to_string(source_file=path)
            if svrl is None:
                raise RuntimeError(f"no SVRL output for {path}: {executable.error_message}")
            root = ET.fromstring(svrl)
            failed = []
            for node in root.iter():
                if node.tag not in (SVRL + "failed-assert", SVRL + "successful-report"):
                    continue
                text = node.find(SVRL + "text")
                failed.append({
                    "id": node.get("id"),
                    # The EN 16931 stylesheets mark most asserts "fatal"; none marked means fatal.
                    "flag": node.get("flag") or "fatal",
                    "location": node.get("location"),
                    "text": " ".join((text.text or "").split()) if text is not None else "",
                })
            results.append({"file": path, "failed": failed})
    json.dump({"results": results}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
