//! Golden cases as files: `core/tests/golden/*.case`, whose format is in
//! `core/tests/golden/README.md`. A case is a small store written as rows of
//! its tables, then queries of the report, each with the rows it must give.
//!
//! The rows go in as an import writes them: the importer's own SQL
//! (`import_staging.sql`, `import_write.sql`, `import_cleanup.sql`) from its
//! tables of rows to write (`fin_*`), then the sales aggregates of the rows
//! written (`store::add_sales_aggregates`; the importer adds the same from its
//! staged rows, `golden.rs` compares them) and its row in `imports`, in one
//! transaction. A named view is read from `analytics::report` serialised to
//! JSON, what `report --json` and the app get; `sql` runs its text on the store.
//!
//! Every failure names the file and line; all of them are listed, then the
//! test fails. `GOLDEN_CASE=part_of_a_name` runs only the files whose name
//! contains it.

use crate::support::repo_root;
use chrono::NaiveDate;
use comptoir_core::analytics::{self, Period};
use comptoir_core::error::CoreError;
use comptoir_core::store::{self, settings, Store};
use duckdb::params;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

const IMPORT_STAGING: &str = include_str!("../../src/import/sql/import_staging.sql");
const IMPORT_WRITE: &str = include_str!("../../src/import/sql/import_write.sql");
const IMPORT_CLEANUP: &str = include_str!("../../src/import/sql/import_cleanup.sql");

/// A table of the store a case fills: its columns (name, required) and the
/// importer's table of rows to write (`fin_*` of `import_checks.sql`).
struct Table {
    name: &'static str,
    fin: &'static str,
    key: Option<&'static str>,
    columns: &'static [(&'static str, bool)],
}

static TABLES: &[Table] = &[
    Table {
        name: "products",
        fin: "fin_products",
        key: Some("product_id"),
        columns: &[
            ("product_id", true),
            ("name", true),
            ("category", false),
            ("buy_price", false),
            ("sell_price", false),
            ("min_margin_threshold", false),
            ("from_sales", false),
        ],
    },
    Table {
        name: "stock",
        fin: "fin_stock",
        key: Some("stock_id"),
        columns: &[
            ("stock_id", true),
            ("product_id", true),
            ("quantity", true),
            ("batch_no", false),
            ("expiry_date", false),
            ("last_movement", false),
        ],
    },
    Table {
        name: "clients",
        fin: "fin_clients",
        key: Some("client_id"),
        columns: &[("client_id", true), ("name", true), ("total_revenue_generated", false)],
    },
    Table {
        name: "invoices",
        fin: "fin_invoices",
        key: Some("invoice_id"),
        columns: &[("invoice_id", true), ("client_id", false), ("ts", true), ("total_amount", false), ("content_hash", false)],
    },
    Table {
        name: "invoice_lines",
        fin: "fin_lines",
        key: None,
        columns: &[("invoice_id", true), ("line_no", false), ("product_id", true), ("qty", true), ("unit_price", true)],
    },
];

/// The views a `query` names and their columns: the parts of the report's
/// JSON (`report` is its header: as_of, window, first sale, ranking; `kpis`
/// has a row per period, current then previous).
static VIEWS: &[(&str, &[&str])] = &[
    ("report", &["as_of", "from", "to", "first_sale", "ranked_by"]),
    ("kpis", &["period", "revenue", "profit", "margin_rate", "invoices", "average_basket", "units_sold", "stock_value", "value_at_risk"]),
    ("winners", &["rank", "product_id", "name", "quantity", "revenue", "profit"]),
    (
        "losers",
        &[
            "product_id",
            "name",
            "reasons",
            "buy_price",
            "sell_price",
            "margin_rate",
            "min_margin_threshold",
            "quantity",
            "revenue",
            "profit",
        ],
    ),
    (
        "loss_risk",
        &[
            "stock_id",
            "product_id",
            "name",
            "reasons",
            "quantity",
            "expiry_date",
            "last_movement",
            "days_left",
            "value_at_risk",
            "forecast_leftover",
            "forecast_leftover_value",
        ],
    ),
    ("clients", &["client_id", "name", "lifetime_revenue", "tier", "eligible_promo", "to_next_tier"]),
    ("stock_ageing", &["bucket", "units", "value", "batches"]),
    (
        "data_quality",
        &[
            "lines_without_cost",
            "revenue_without_cost",
            "rejected_rows_last_import",
            "products_unknown_to_products_sheet",
            "products_without_cost",
            "adjustment_lines",
        ],
    ),
    ("sales_timeline", &["day", "revenue", "profit"]),
    ("category_sales", &["category", "revenue", "profit", "quantity"]),
];

const SECTIONS: &str = "table, settings, query or sql";

/// A line of `|`-separated cells, and where it is.
struct Row {
    line: usize,
    cells: Vec<String>,
}

/// A header line (the columns) and the rows under it.
struct Rows {
    line: usize,
    header: Vec<String>,
    rows: Vec<Row>,
}

enum Expect {
    Rows(Rows),
    /// The query fails, with a message that contains this text.
    Error {
        line: usize,
        text: String,
    },
}

enum Block {
    Table { table: &'static Table, rows: Rows },
    Settings { rows: Rows },
    Query { view: &'static str, window: Period, as_of: Option<NaiveDate>, expect: Expect },
    Sql { line: usize, sql: String, expect: Expect },
}

/// A case, read: its name (the path shown in messages) and its sections in order.
struct Case {
    name: String,
    blocks: Vec<Block>,
}

/// `# …` on a line of its own is a comment; so is the end of a line from a
/// `#` that follows a space or a tab (a `#` inside a value, as in `A#1`, is kept).
fn strip_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    for i in 0..bytes.len() {
        if bytes[i] == b'#' && (i == 0 || bytes[i - 1] == b' ' || bytes[i - 1] == b'\t') {
            return &line[..i];
        }
    }
    line
}

fn cells(text: &str) -> Vec<String> {
    text.split('|').map(|c| c.trim().to_string()).collect()
}

fn parse(name: &str, text: &str) -> Result<Case, String> {
    // Sections are runs of lines between blank lines; comments are dropped
    // (a comment line does not end a section).
    let mut groups: Vec<Vec<(usize, String)>> = Vec::new();
    let mut current: Vec<(usize, String)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        if raw.trim().is_empty() {
            if !current.is_empty() {
                groups.push(std::mem::take(&mut current));
            }
            continue;
        }
        let line = strip_comment(raw).trim();
        if !line.is_empty() {
            current.push((i + 1, line.to_string()));
        }
    }
    if !current.is_empty() {
        groups.push(current);
    }
    let at = |line: usize, msg: String| format!("{name}:{line}: {msg}");
    let mut blocks = Vec::new();
    for group in groups {
        let (line, head) = &group[0];
        let line = *line;
        let words: Vec<&str> = head.split_whitespace().collect();
        let rest = &group[1..];
        let block = match words[0] {
            "table" => {
                let [_, table] = words[..] else {
                    return Err(at(line, format!("write “table NAME”, not “{head}”")));
                };
                let Some(table) = TABLES.iter().find(|t| t.name == table) else {
                    let known: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
                    return Err(at(line, format!("there is no table “{table}”; the tables are {}", known.join(", "))));
                };
                let rows = rows(name, line, rest)?;
                for column in &rows.header {
                    if !table.columns.iter().any(|(c, _)| c == column) {
                        let known: Vec<&str> = table.columns.iter().map(|c| c.0).collect();
                        return Err(at(
                            rows.line,
                            format!("{} has no column “{column}”; its columns are {}", table.name, known.join(", ")),
                        ));
                    }
                }
                for (column, required) in table.columns {
                    if *required {
                        let Some(i) = rows.header.iter().position(|h| h == column) else {
                            return Err(at(rows.line, format!("{} needs the column “{column}”", table.name)));
                        };
                        if let Some(row) = rows.rows.iter().find(|r| r.cells[i] == "NULL") {
                            return Err(at(row.line, format!("{column} cannot be NULL")));
                        }
                    }
                }
                Block::Table { table, rows }
            }
            "settings" => {
                if words.len() != 1 {
                    return Err(at(line, format!("write “settings” alone, not “{head}”")));
                }
                let rows = rows(name, line, rest)?;
                if rows.header != ["key", "value"] {
                    return Err(at(rows.line, "the header of settings is “key | value”".to_string()));
                }
                Block::Settings { rows }
            }
            "query" => {
                let Some(asked) = words.get(1) else {
                    return Err(at(line, "write “query VIEW window=…”".to_string()));
                };
                let Some(&(view, columns)) = VIEWS.iter().find(|(v, _)| v == asked) else {
                    let known: Vec<&str> = VIEWS.iter().map(|v| v.0).collect();
                    return Err(at(line, format!("there is no view “{asked}”; the views are {}", known.join(", "))));
                };
                let (mut window, mut as_of) = (None, None);
                for word in &words[2..] {
                    match word.split_once('=') {
                        Some(("window", w)) => window = Some(Period::parse(w).map_err(|e| at(line, e.to_string()))?),
                        Some(("as_of", d)) => {
                            as_of = Some(
                                NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| at(line, format!("as_of “{d}” is not YYYY-MM-DD")))?,
                            )
                        }
                        _ => return Err(at(line, format!("“{word}” is neither window=… nor as_of=…"))),
                    }
                }
                let Some(window) = window else {
                    return Err(at(line, "a query needs its window=… (week, month, FROM..TO, …)".to_string()));
                };
                let expect = expect(name, line, rest)?;
                if let Expect::Rows(rows) = &expect {
                    for column in &rows.header {
                        if !columns.contains(&column.as_str()) {
                            return Err(at(rows.line, format!("{view} has no column “{column}”; its columns are {}", columns.join(", "))));
                        }
                    }
                }
                Block::Query { view, window, as_of, expect }
            }
            "sql" => {
                if words.len() != 1 {
                    return Err(at(line, format!("write “sql” alone, then the query on the next lines, not “{head}”")));
                }
                let Some(end) = rest.iter().position(|(_, l)| l == "----") else {
                    return Err(at(line, "the query of sql ends with a line “----”, then the expected rows".to_string()));
                };
                let sql: Vec<&str> = rest[..end].iter().map(|(_, l)| l.as_str()).collect();
                if sql.is_empty() {
                    return Err(at(line, "sql has no query".to_string()));
                }
                Block::Sql { line, sql: sql.join("\n"), expect: expect(name, rest[end].0, &rest[end + 1..])? }
            }
            other => {
                return Err(at(
                    line,
                    format!("“{other}” starts no section: a section is {SECTIONS} (and a blank line ends the one before)"),
                ))
            }
        };
        blocks.push(block);
    }
    if !blocks.iter().any(|b| matches!(b, Block::Query { .. } | Block::Sql { .. })) {
        return Err(format!("{name}: the case has no query, so it checks nothing"));
    }
    if let Some(Block::Table { rows, .. }) = blocks.last() {
        return Err(at(rows.line, "rows after the last query are read by no query".to_string()));
    }
    Ok(Case { name: name.to_string(), blocks })
}

/// A header line, then rows with as many cells.
fn rows(name: &str, line: usize, lines: &[(usize, String)]) -> Result<Rows, String> {
    let Some((header_line, header)) = lines.first() else {
        return Err(format!("{name}:{line}: the header line (the columns, `|`-separated) is missing"));
    };
    let header = cells(header);
    for (i, column) in header.iter().enumerate() {
        if column.is_empty() || header[..i].contains(column) {
            return Err(format!("{name}:{header_line}: the header has an empty or repeated column “{column}”"));
        }
    }
    let mut rows = Vec::new();
    for (line, text) in &lines[1..] {
        let first = text.split_whitespace().next().unwrap_or_default();
        if !text.contains('|') && ["table", "settings", "query", "sql"].contains(&first) && header.len() > 1 {
            return Err(format!("{name}:{line}: a section starts after a blank line: add one before “{text}”"));
        }
        let cells = cells(text);
        if cells.len() != header.len() {
            return Err(format!("{name}:{line}: {} cells, but the header (line {header_line}) has {} columns", cells.len(), header.len()));
        }
        rows.push(Row { line: *line, cells });
    }
    Ok(Rows { line: *header_line, header, rows })
}

fn expect(name: &str, line: usize, lines: &[(usize, String)]) -> Result<Expect, String> {
    match lines.first() {
        Some((error_line, text)) if text.starts_with("error:") => {
            if lines.len() > 1 {
                return Err(format!("{name}:{}: nothing follows “error: …”", lines[1].0));
            }
            Ok(Expect::Error { line: *error_line, text: text["error:".len()..].trim().to_string() })
        }
        _ => Ok(Expect::Rows(rows(name, line, lines)?)),
    }
}

/// Writes the rows of one import through the importer's SQL, in one
/// transaction, after the checks the importer makes on references.
fn write_import(store: &Store, case: &str, tables: &[(&'static Table, &Rows)]) -> Result<(), String> {
    let conn = store.conn();
    let ids = |sql: &str| -> HashSet<String> {
        let mut stmt = conn.prepare(sql).unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    let mut known: HashMap<&str, HashSet<String>> = HashMap::new();
    known.insert("products", ids("SELECT product_id FROM products"));
    known.insert("stock", ids("SELECT stock_id FROM stock"));
    known.insert("clients", ids("SELECT client_id FROM clients"));
    let stored_invoices = ids("SELECT invoice_id FROM invoices");
    let mut new_invoices: HashSet<String> = HashSet::new();
    let mut seen: HashMap<(&str, String), usize> = HashMap::new();
    let cell = |rows: &Rows, row: &Row, column: &str| -> Option<String> {
        rows.header.iter().position(|h| h == column).map(|i| row.cells[i].clone()).filter(|v| v != "NULL")
    };
    // Keys first (a table may come after the lines that name it), then references.
    for (table, rows) in tables {
        let Some(key) = table.key else { continue };
        for row in &rows.rows {
            let id = cell(rows, row, key).expect("a key is required");
            if let Some(first) = seen.insert((table.name, id.clone()), row.line) {
                return Err(format!("{case}:{}: {key} {id} is on line {first} already", row.line));
            }
            if table.name == "invoices" {
                if stored_invoices.contains(&id) {
                    return Err(format!("{case}:{}: invoice {id} is in the store already (an invoice is never replaced)", row.line));
                }
                new_invoices.insert(id);
            } else {
                known.get_mut(table.name).unwrap().insert(id);
            }
        }
    }
    for (table, rows) in tables {
        let references: &[(&str, &str)] = match table.name {
            "stock" => &[("product_id", "products")],
            "invoices" => &[("client_id", "clients")],
            "invoice_lines" => &[("invoice_id", "invoices"), ("product_id", "products")],
            _ => &[],
        };
        for row in &rows.rows {
            for &(column, target) in references {
                let Some(id) = cell(rows, row, column) else { continue };
                let found = if target == "invoices" { new_invoices.contains(&id) } else { known[target].contains(&id) };
                if !found {
                    let why = if target == "invoices" { "invoices of this import" } else { target };
                    return Err(format!("{case}:{}: {column} {id} is not among the {why}", row.line));
                }
            }
        }
    }
    let import_id: i64 = conn.query_row("SELECT coalesce(max(import_id), 0) + 1 FROM imports", [], |r| r.get(0)).unwrap();
    store::in_transaction(conn, |conn| {
        conn.execute_batch(IMPORT_STAGING)?;
        for table in TABLES {
            let columns: Vec<&str> = table.columns.iter().map(|c| c.0).collect();
            let change = if table.key.is_some() { ", 'new' AS change" } else { "" };
            // (the importer joins an invoice's rows on a key it gives each invoice id)
            let inv_key = if columns.contains(&"invoice_id") { ", NULL::INTEGER AS inv_key" } else { "" };
            conn.execute_batch(&format!(
                "CREATE OR REPLACE TEMP TABLE {} AS SELECT {}{change}{inv_key} FROM {} LIMIT 0",
                table.fin,
                columns.join(", "),
                table.name
            ))?;
        }
        let mut line_no: HashMap<String, usize> = HashMap::new();
        for (table, rows) in tables {
            let columns: Vec<&str> = table.columns.iter().map(|c| c.0).collect();
            let sql = format!("INSERT INTO {} ({}) VALUES ({})", table.fin, columns.join(", "), vec!["?"; columns.len()].join(", "));
            for row in &rows.rows {
                let values: Vec<Option<String>> = columns
                    .iter()
                    .map(|column| match rows.header.iter().position(|h| h == column) {
                        Some(i) => Some(row.cells[i].clone()).filter(|v| v != "NULL"),
                        None => match *column {
                            "from_sales" => Some("false".to_string()),
                            "content_hash" => Some(format!("{case}:{}", row.line)),
                            "line_no" => {
                                let n = line_no.entry(cell(rows, row, "invoice_id").unwrap()).or_default();
                                *n += 1;
                                Some(n.to_string())
                            }
                            _ => None,
                        },
                    })
                    .collect();
                conn.execute(&sql, duckdb::params_from_iter(values.iter()))
                    .map_err(|e| CoreError::Usage(format!("{case}:{}: {e}", row.line)))?;
            }
        }
        for table in TABLES {
            if let Some(key) = table.key {
                // A row whose id the store holds (from an earlier import of the case) replaces it.
                conn.execute_batch(&format!(
                    "UPDATE {fin} SET change = CASE WHEN {key} IN (SELECT {key} FROM {name}) THEN 'updated' ELSE 'new' END",
                    fin = table.fin,
                    name = table.name
                ))?;
            }
        }
        conn.execute_batch(
            "CREATE TEMP TABLE case_keys AS
             SELECT invoice_id, row_number() OVER (ORDER BY invoice_id)::INTEGER AS inv_key
             FROM (SELECT invoice_id FROM fin_invoices UNION SELECT invoice_id FROM fin_lines);
             UPDATE fin_invoices f SET inv_key = k.inv_key FROM case_keys k WHERE k.invoice_id = f.invoice_id;
             UPDATE fin_lines f SET inv_key = k.inv_key FROM case_keys k WHERE k.invoice_id = f.invoice_id;
             DROP TABLE case_keys;",
        )?;
        conn.execute("SET VARIABLE import_id = ?", params![import_id])?;
        conn.execute_batch(IMPORT_WRITE)?;
        store::add_sales_aggregates(conn, Some(import_id))?;
        conn.execute(
            "INSERT INTO imports (import_id, imported_at, files, file_names, counts, errors, warnings, rejected)
             VALUES (?, now()::TIMESTAMP, '[]', ?, '{}', 0, 0, 0)",
            params![import_id, case],
        )?;
        // Every row of the case is in the store, as this import's.
        for table in TABLES {
            let given: usize = tables.iter().filter(|(t, _)| t.name == table.name).map(|(_, rows)| rows.rows.len()).sum();
            let written: usize =
                conn.query_row(&format!("SELECT count(*) FROM {} WHERE import_id = ?", table.name), params![import_id], |r| r.get(0))?;
            if written != given {
                return Err(CoreError::Usage(format!("{case}: {given} rows of {} given, {written} written", table.name)));
            }
        }
        Ok(())
    })
    .map_err(|e| match e {
        CoreError::Usage(located) => located,
        other => format!("{case}: writing the rows: {other}"),
    })?;
    // The importer's fin_lines is a view over its staged lines; here it is the case's table.
    conn.execute_batch("DROP TABLE fin_lines").map_err(|e| format!("{case}: {e}"))?;
    conn.execute_batch(IMPORT_CLEANUP).map_err(|e| format!("{case}: {e}"))
}

/// The text of a JSON value as a case writes it: NULL, true, 12.00, a list as a,b.
fn text(v: &Value) -> String {
    match v {
        Value::Null => "NULL".to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

/// The rows of a view of the report, in the order of its columns in VIEWS.
fn view_rows(store: &Store, view: &str, window: Period, as_of: Option<NaiveDate>) -> Result<Vec<Vec<String>>, String> {
    let report = analytics::report(store, as_of, window).map_err(|e| e.to_string())?;
    let json = serde_json::to_value(&report).expect("the report serialises");
    let object = |v: &Value| -> Map<String, Value> { v.as_object().expect("an object").clone() };
    let objects: Vec<Map<String, Value>> = match view {
        "report" => {
            let mut o = Map::new();
            for key in ["as_of", "first_sale", "ranked_by"] {
                o.insert(key.to_string(), json[key].clone());
            }
            o.insert("from".to_string(), json["window"]["from"].clone());
            o.insert("to".to_string(), json["window"]["to"].clone());
            vec![o]
        }
        "kpis" => ["current", "previous"]
            .iter()
            .map(|period| {
                let mut o = object(&json["kpis"][period]);
                o.insert("period".to_string(), Value::String(period.to_string()));
                o
            })
            .collect(),
        "data_quality" => vec![object(&json["data_quality"])],
        list => json[list].as_array().unwrap_or_else(|| panic!("the report has no list {list}")).iter().map(object).collect(),
    };
    let columns = VIEWS.iter().find(|(v, _)| *v == view).unwrap().1;
    let mut out = Vec::new();
    for o in objects {
        let mut keys: Vec<&str> = o.keys().map(String::as_str).collect();
        let mut known = columns.to_vec();
        keys.sort_unstable();
        known.sort_unstable();
        if keys != known {
            return Err(format!(
                "the report's {view} has the columns {}, the runner knows {}: update VIEWS in core/tests/core/golden_files.rs and the README",
                keys.join(", "),
                known.join(", ")
            ));
        }
        out.push(columns.iter().map(|c| text(&o[*c])).collect());
    }
    Ok(out)
}

/// The columns and rows of a query on the store, every value as DuckDB writes it as text.
fn sql_rows(store: &Store, sql: &str) -> Result<(Vec<String>, Vec<Vec<String>>), String> {
    let sql = sql.trim().trim_end_matches(';');
    let conn = store.conn();
    let mut describe = conn.prepare(&format!("DESCRIBE {sql}")).map_err(|e| e.to_string())?;
    let names: Vec<String> =
        describe.query_map([], |r| r.get(0)).map_err(|e| e.to_string())?.collect::<duckdb::Result<_>>().map_err(|e| e.to_string())?;
    let mut stmt = conn.prepare(&format!("SELECT CAST(COLUMNS(*) AS VARCHAR) FROM ({sql})")).map_err(|e| e.to_string())?;
    let rows = stmt
        .query_map([], |r| (0..names.len()).map(|i| Ok(r.get::<_, Option<String>>(i)?.unwrap_or_else(|| "NULL".to_string()))).collect())
        .map_err(|e| e.to_string())?
        .collect::<duckdb::Result<Vec<Vec<String>>>>()
        .map_err(|e| e.to_string())?;
    Ok((names, rows))
}

/// Compares expected rows with what came out: every row (same count, same
/// order), the header's columns of each. Mismatches go to `failures`.
fn compare(case: &str, what: &str, expected: &Rows, columns: &[String], got: &[Vec<String>], failures: &mut Vec<String>) {
    let mut index = Vec::new();
    for column in &expected.header {
        match columns.iter().position(|c| c == column) {
            Some(i) => index.push(i),
            None => {
                failures.push(format!("{case}:{}: {what} has no column “{column}”; its columns are {}", expected.line, columns.join(", ")));
                return;
            }
        }
    }
    let mut bad = Vec::new();
    if got.len() != expected.rows.len() {
        bad.push(format!("{case}:{}: {what}: expected {} rows, got {}", expected.line, expected.rows.len(), got.len()));
    }
    for (n, (row, got_row)) in expected.rows.iter().zip(got).enumerate() {
        for ((column, want), i) in expected.header.iter().zip(&row.cells).zip(&index) {
            if *want != got_row[*i] {
                bad.push(format!("{case}:{}: {what}, row {}, column {column}: expected {want}, got {}", row.line, n + 1, got_row[*i]));
            }
        }
    }
    if !bad.is_empty() {
        let shown: Vec<String> = got.iter().map(|r| index.iter().map(|i| r[*i].as_str()).collect::<Vec<_>>().join(" | ")).collect();
        let last = bad.last_mut().unwrap();
        last.push_str(&format!("\n    got, as rows of “{}”:\n      {}", expected.header.join(" | "), shown.join("\n      ")));
        failures.extend(bad);
    }
}

/// What a query gave against what its case expects.
fn check(case: &str, what: &str, expect: &Expect, got: Result<(Vec<String>, Vec<Vec<String>>), String>, failures: &mut Vec<String>) {
    match (expect, got) {
        (Expect::Rows(rows), Ok((columns, got))) => compare(case, what, rows, &columns, &got, failures),
        (Expect::Rows(rows), Err(e)) => failures.push(format!("{case}:{}: {what} failed: {e}", rows.line)),
        (Expect::Error { line, text }, Ok(_)) => {
            failures.push(format!("{case}:{line}: {what}: expected an error containing “{text}”, got rows"))
        }
        (Expect::Error { line, text }, Err(e)) => {
            if !e.contains(text.as_str()) {
                failures.push(format!("{case}:{line}: {what}: expected an error containing “{text}”, got “{e}”"));
            }
        }
    }
}

/// Runs a case on `store`: rows are written an import at a time (the tables
/// before a query, or a settings section, are one import), settings are set
/// as the app sets them, queries compared. Returns the failures.
fn run(case: &Case, store: &Store) -> Vec<String> {
    let name = case.name.as_str();
    let mut failures = Vec::new();
    let mut pending: Vec<(&'static Table, &Rows)> = Vec::new();
    for block in &case.blocks {
        if let Block::Table { table, rows } = block {
            pending.push((*table, rows));
            continue;
        }
        if !pending.is_empty() {
            if let Err(e) = write_import(store, name, &pending) {
                failures.push(e);
                return failures; // the queries would only repeat it
            }
            pending.clear();
        }
        match block {
            Block::Table { .. } => unreachable!(),
            Block::Settings { rows } => {
                for row in &rows.rows {
                    if let Err(e) = settings::set(store, &row.cells[0], &row.cells[1]) {
                        failures.push(format!("{name}:{}: {e}", row.line));
                        return failures;
                    }
                }
            }
            Block::Query { view, window, as_of, expect } => {
                let what = format!("{view} (window={}{})", window.name(), as_of.map(|d| format!(", as_of={d}")).unwrap_or_default());
                let columns: Vec<String> = VIEWS.iter().find(|(v, _)| v == view).unwrap().1.iter().map(|c| c.to_string()).collect();
                let got = view_rows(store, view, *window, *as_of).map(|rows| (columns, rows));
                check(name, &what, expect, got, &mut failures);
            }
            Block::Sql { line, sql, expect } => check(name, &format!("sql of line {line}"), expect, sql_rows(store, sql), &mut failures),
        }
    }
    failures
}

fn golden_dir() -> PathBuf {
    repo_root().join("core").join("tests").join("golden")
}

/// Reads, loads and checks one case from its text; returns the store and the failures.
fn check_text(name: &str, text: &str) -> (Store, Vec<String>) {
    let store = Store::open_in_memory().unwrap();
    let failures = match parse(name, text) {
        Ok(case) => run(&case, &store),
        Err(e) => vec![e],
    };
    (store, failures)
}

/// The store of a case file of `core/tests/golden/`, once its queries have
/// passed: for what Rust must do to a store beyond a query (golden.rs).
pub fn case_store(file: &str) -> Store {
    let text = std::fs::read_to_string(golden_dir().join(file)).unwrap();
    let (store, failures) = check_text(&format!("core/tests/golden/{file}"), &text);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    store
}

#[test]
fn golden_case_files() {
    let only = std::env::var("GOLDEN_CASE").ok();
    let mut files = Vec::new();
    for entry in std::fs::read_dir(golden_dir()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".case") {
            files.push(name);
        } else {
            assert_eq!(name, "README.md", "core/tests/golden/ holds *.case files and their README only");
        }
    }
    files.sort();
    files.retain(|f| only.as_deref().is_none_or(|o| f.contains(o)));
    assert!(!files.is_empty(), "no golden case file (GOLDEN_CASE={only:?})");
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(golden_dir().join(file)).unwrap();
        failures.extend(check_text(&format!("core/tests/golden/{file}"), &text).1);
    }
    assert!(failures.is_empty(), "{} golden failure(s) in {} case file(s):\n{}\n", failures.len(), files.len(), failures.join("\n"));
}

/// The runner fails on a wrong figure (naming file, line, column, expected
/// and got), on a typo in a section, a table, a column or a view, and on a
/// reference to nothing: a case cannot pass by saying nothing.
#[test]
fn the_runner_fails_loudly() {
    const ROWS: &str = "table products\nproduct_id | name | buy_price | sell_price\nA | Apple | 1.00 | 2.00\n\n\
                        table invoices\ninvoice_id | ts\nI1 | 2026-03-31 10:00\n\n\
                        table invoice_lines\ninvoice_id | product_id | qty | unit_price\nI1 | A | 3 | 2.50\n\n";
    let failures = |text: &str| check_text("t.case", &format!("{ROWS}{text}")).1;
    // 3 × 2.50 = 7.50 of revenue, 3 × (2.50 − 1.00) = 4.50 of profit.
    assert_eq!(failures("query winners window=month\nproduct_id | revenue | profit\nA | 7.50 | 4.50\n"), Vec::<String>::new());
    let wrong = failures("query winners window=month\nproduct_id | revenue | profit\nA | 7.50 | 4.60   # wrong\n");
    assert_eq!(
        wrong,
        ["t.case:15: winners (window=month), row 1, column profit: expected 4.60, got 4.50\n    \
          got, as rows of “product_id | revenue | profit”:\n      A | 7.50 | 4.50"]
    );
    let extra = failures("query winners window=month\nproduct_id\nA\nB\n");
    assert_eq!(extra, ["t.case:14: winners (window=month): expected 2 rows, got 1\n    got, as rows of “product_id”:\n      A"]);
    let sql = failures(
        "sql\nSELECT money(sum(revenue)) AS revenue FROM line_economics(DATE '2026-03-31', DATE '2026-03-31')\n----\nrevenue\n7.51\n",
    );
    assert!(sql[0].starts_with("t.case:17: sql of line 13, row 1, column revenue: expected 7.51, got 7.50\n"), "{sql:?}");
    let no_error = failures("query kpis window=week\nerror: after the report date\n");
    assert_eq!(no_error, ["t.case:14: kpis (window=week): expected an error containing “after the report date”, got rows"]);
    let typo = |text: &str| failures(text).join("\n");
    assert!(typo("query winners window=month\nproduct_id | profti\nA | 4.50\n").contains("t.case:14: winners has no column “profti”"));
    assert!(typo("query winner window=month\nproduct_id\nA\n").contains("t.case:13: there is no view “winner”"));
    assert!(typo("query winners windw=month\nproduct_id\nA\n").contains("t.case:13: “windw=month” is neither"));
    assert!(typo("qurey winners window=month\nproduct_id\nA\n").contains("t.case:13: “qurey” starts no section"));
    assert!(typo("sql\nSELECT 1 AS one\n----\nnoe\n1\n").contains("t.case:16: sql of line 13 has no column “noe”"));
    assert!(typo("table product\nproduct_id | name\nB | Bread\n").contains("t.case:13: there is no table “product”"));
    assert!(typo("table clients\nclient_id | nmae\nK1 | Kim\n").contains("t.case:14: clients has no column “nmae”"));
    assert!(typo("table stock\nstock_id | product_id | quantity\nS1 | Z | 1\n\nquery kpis window=week\nperiod\ncurrent\nprevious\n")
        .contains("t.case:15: product_id Z is not among the products"));
    assert!(typo("settings\nkey | value\npromo_treshold | 10\n\nquery kpis window=week\nperiod\ncurrent\nprevious\n")
        .contains("t.case:15: There is no setting"));
    assert!(typo("query kpis window=week\nperiod\ncurrent\nprevious\n\ntable products\nproduct_id | name\nB | Bread\n")
        .contains("t.case:19: rows after the last query are read by no query"));
    assert!(check_text("t.case", ROWS).1[0].contains("the case has no query"));
}
