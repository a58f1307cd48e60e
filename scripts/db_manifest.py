"""Every table's row count and checksum (md5 over each row's md5, in order), as JSON.

Usage: scripts/db_manifest.py DATABASE_URL > manifest.json
Two databases hold the same data exactly when their manifests are equal (security bar G20).
"""

import json
import sys

import psycopg2
from psycopg2 import sql


def manifest(url: str) -> dict:
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
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
    json.dump(manifest(sys.argv[1]), sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
