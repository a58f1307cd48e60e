"""Every table's row count and checksum (md5 over each row's md5, in order), as JSON.

Usage: scripts/db_manifest.py DATABASE_URL > manifest.json
       scripts/db_manifest.py DATABASE_URL --dump FILE --pg-dump PATH > manifest.json
Two databases hold the same data exactly when their manifests are equal (security bar G20).

With --dump, pg_dump writes FILE from the very snapshot the manifest is counted in (exported
from this script's transaction), so a backup of a live database and its manifest agree
whatever is written meanwhile. Counted after the dump, they did not: a row written in between
made a good restore look incomplete.
"""

import argparse
import json
import subprocess
import sys

import psycopg2
from psycopg2 import sql


def manifest(url: str, dump: str = "", pg_dump: str = "pg_dump") -> dict:
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        if dump:
            connection.set_session(isolation_level="REPEATABLE READ", readonly=True)
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            subprocess.run(
                [pg_dump, "--format=custom", "--no-owner", f"--snapshot={snapshot}",
                 f"--file={dump}", url],
                check=True,
            )  # fmt: skip
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = [row[0] for row in cursor.fetchall()]
        result = {}
        for table in tables:
            cursor.execute(
                sql.SQL(
                    "SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h), '')) "
                    "FROM (SELECT md5(t::text) AS h FROM {} t) rows"
                ).format(sql.Identifier(table))
            )
            count, checksum = cursor.fetchone()
            result[table] = {"rows": count, "md5": checksum}
        return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--dump", default="", help="also pg_dump to this file, same snapshot")
    parser.add_argument("--pg-dump", default="pg_dump", help="the pg_dump to run")
    args = parser.parse_args()
    json.dump(manifest(args.url, args.dump, args.pg_dump), sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
