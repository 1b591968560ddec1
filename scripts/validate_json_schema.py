#!/usr/bin/env python3
"""Checks JSON files against a JSON Schema (draft 7), for the report formats' tests.

  scripts/validate_json_schema.py SCHEMA FILE...

Exit 0: every FILE is valid. 1: some FILE is not (each error printed with its JSON path).
2: bad input (a file missing or not JSON, the schema itself invalid, python3-jsonschema
not installed: Debian package python3-jsonschema, which scripts/setup.sh installs).
"""
import json
import sys


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        import jsonschema
    except ImportError:
        print("validate_json_schema: python3-jsonschema is not installed", file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            schema = json.load(f)
        jsonschema.Draft7Validator.check_schema(schema)
    except (OSError, ValueError, jsonschema.SchemaError) as e:
        print(f"validate_json_schema: schema {argv[1]}: {e}", file=sys.stderr)
        return 2
    validator = jsonschema.Draft7Validator(schema)
    bad = 0
    for path in argv[2:]:
        try:
            with open(path, encoding="utf-8") as f:
                instance = json.load(f)
        except (OSError, ValueError) as e:
            print(f"validate_json_schema: {path}: {e}", file=sys.stderr)
            return 2
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
        for e in errors[:20]:
            where = "/".join(str(p) for p in e.absolute_path) or "(root)"
            print(f"{path}: {where}: {e.message}")
        if errors:
            bad += 1
            print(f"{path}: {len(errors)} schema error(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
