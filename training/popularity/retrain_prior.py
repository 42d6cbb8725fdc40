"""Retrain the general prior from what the bot has seen: a JSON-lines export of post rows.

    uv run python -m training.popularity.retrain_prior ROWS.jsonl [--with-data] [--out PATH]

Each line is one analysed public post (schema in prior_fit.py): the account, its follower
count, likes, comments, the post's age when they were read, and `post_features(post)` stored at
analysis time (no images). Every feature present in at least half of the rows is used, so once
the export carries photo features (style, faces, quality, embedding projection) the learned
part covers them and the matching hand-set heuristics in popularity_prior step aside.
`--with-data` adds the caption-only rows of the data sets. The artifact is shipped only if it
ranks held-out accounts' posts better than chance (median Spearman > 0); either way the
held-out numbers are printed and stored in it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from analyzers.popularity.prior import PRIOR_PATH
from training.popularity.prior_fit import (
    read_rows,
    rows_from_account,
    train_artifact,
    usable_features,
    write_artifact,
)
from training.popularity.sources import accounts


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("rows", type=Path)
    parser.add_argument("--with-data", action="store_true")
    parser.add_argument("--out", type=Path, default=PRIOR_PATH)
    args = parser.parse_args(argv)
    rows = read_rows(args.rows)
    described = f"{len(rows)} exported rows ({args.rows.name})"
    if args.with_data:
        rows += [row for account in accounts() for row in rows_from_account(account)]
        described += " + the caption-only data sets"
    artifact = train_artifact(rows, usable_features(rows), described)
    write_artifact(artifact, args.out)
    print(json.dumps({k: artifact[k] for k in ("n_rows", "heldout", "trained_on")}, indent=1))
    return artifact


if __name__ == "__main__":
    main()
