"""Write a new Alembic migration from the difference between the models and the schema.

    .venv/bin/python scripts/new_migration.py "add litigation status to households"

It builds a scratch SQLite database at the current head, compares it with the models and
writes `src/callqueue/store/migrations/versions/NNNN_<slug>.py`. Read and test what it
wrote on both databases before committing (tests/integration/test_store.py): a NOT NULL
column added to a table with rows needs a `server_default`, which autogenerate omits.
"""

from __future__ import annotations

import re
import sys
import tempfile

from alembic import command

from callqueue.store.database import MIGRATIONS, alembic_config, head_revision, make_engine, upgrade


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    message = sys.argv[1]
    number = f"{int(head_revision()) + 1:04d}"
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/scratch.db")
        upgrade(engine)
        command.revision(alembic_config(engine), message=message, autogenerate=True, rev_id=number)
    slug = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")[:40]
    written = next((MIGRATIONS / "versions").glob(f"{number}_*.py"))
    target = written.with_name(f"{number}_{slug}.py")
    text = written.read_text(encoding="utf-8")
    text = text.replace("sqlmodel.sql.sqltypes.AutoString(", "sa.String(")  # keep migrations
    text = text.replace("import sqlmodel\n", "")  # independent of sqlmodel's internals
    text = "\n".join(line for line in text.splitlines() if "# ###" not in line) + "\n"
    if written != target:
        written.unlink()
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
