"""One peer importer of issue 16's benchmark, run by scripts/bench-peers.sh in its own
process (the harness measures the whole process: interpreter start, imports, read, write).

    python peer.py polars    FILE.xlsx DB   polars.read_excel (every sheet) -> one DuckDB table per sheet
    python peer.py fastexcel FILE.xlsx DB   fastexcel -> Arrow -> one DuckDB table per sheet
    python peer.py pandas    FILE.xlsx DB   pandas.read_excel(engine="openpyxl") -> one DuckDB table per sheet
    python peer.py read_xlsx FILE.xlsx DB   DuckDB's own read_xlsx (excel extension from the PyPI package
                                            duckdb-ext-excel, loaded from its file), one table per sheet
    python peer.py read_csv  'DIR/*.csv' DB DuckDB's own read_csv of every file into one table
    python peer.py find-excel-extension     prints the path of excel.duckdb_extension in this environment

None of them validates anything: this is what a data engineer would write in a few lines.
Each prints one JSON line: {"peer": ..., "rows": {table: row count}}; the harness checks
that every peer loaded the same number of rows.
"""

import json
import sys


def sheet_names(path):
    # The workbook's sheet names, in order, from its own XML (no peer library needed).
    import re
    import zipfile

    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/workbook.xml").decode("utf-8")
    return [m for m in re.findall(r'<sheet\b[^>]*\bname="([^"]*)"', xml)]


def connect(db):
    import duckdb

    return duckdb.connect(db)


def polars_peer(path, db):
    import polars as pl

    frames = pl.read_excel(path, sheet_id=0)  # {sheet name: DataFrame}, calamine engine
    con = connect(db)
    rows = {}
    for name, df in frames.items():
        con.register("src", df)
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM src')
        con.unregister("src")
        rows[name] = df.height
    con.close()
    return rows


def fastexcel_peer(path, db):
    import fastexcel

    reader = fastexcel.read_excel(path)
    con = connect(db)
    rows = {}
    for name in reader.sheet_names:
        table = reader.load_sheet(name).to_arrow()
        con.register("src", table)
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM src')
        con.unregister("src")
        rows[name] = table.num_rows
    con.close()
    return rows


def pandas_peer(path, db):
    import pandas as pd

    frames = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    con = connect(db)
    rows = {}
    for name, df in frames.items():
        con.register("src", df)
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM src')
        con.unregister("src")
        rows[name] = len(df)
    con.close()
    return rows


def excel_extension():
    # The extension file shipped inside the duckdb-ext-excel wheel, found through the
    # installed distribution's file list: nothing is downloaded at run time.
    from importlib import metadata

    for f in metadata.distribution("duckdb-ext-excel").files or []:
        if f.name == "excel.duckdb_extension":
            return str(f.locate())
    raise SystemExit("excel.duckdb_extension is not in the duckdb-ext-excel package")


def read_xlsx_peer(path, db):
    import duckdb

    con = duckdb.connect(db, config={"allow_unsigned_extensions": "true", "autoinstall_known_extensions": "false"})
    con.execute("LOAD '" + excel_extension().replace("'", "''") + "'")
    rows = {}
    for name in sheet_names(path):
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM read_xlsx(?, sheet = ?)', [path, name])
        rows[name] = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
    con.close()
    return rows


def read_csv_peer(pattern, db):
    con = connect(db)
    con.execute("CREATE TABLE sales AS SELECT * FROM read_csv(?)", [pattern])
    rows = {"sales": con.execute("SELECT count(*) FROM sales").fetchone()[0]}
    con.close()
    return rows


PEERS = {
    "polars": polars_peer,
    "fastexcel": fastexcel_peer,
    "pandas": pandas_peer,
    "read_xlsx": read_xlsx_peer,
    "read_csv": read_csv_peer,
}

if __name__ == "__main__":
    if sys.argv[1:] == ["find-excel-extension"]:
        print(excel_extension())
        sys.exit(0)
    mode, source, db = sys.argv[1:4]
    print(json.dumps({"peer": mode, "rows": PEERS[mode](source, db)}))
