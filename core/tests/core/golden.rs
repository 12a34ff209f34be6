//! The golden cases are files: `core/tests/golden/*.case`, run by
//! `golden_files.rs` (format in `core/tests/golden/README.md`). What stays
//! here is what a query cannot say: the store operations an import and its
//! undo perform on the golden store's sales aggregates.

use crate::golden_files::case_store;

/// What an import maintains (`add_sales_aggregates` of its own invoices, as
/// the case runner writes each import), its months included, equals a rebuild of the aggregates
/// from every invoice, and undoing the import removes them with its invoices.
/// Not a case file: rebuilding and undoing are operations, not queries.
#[test]
fn the_sales_aggregates_an_import_adds_equal_a_rebuild_and_go_with_its_undo() {
    let store = case_store("golden_workbook.case");
    let conn = store.conn();
    let snapshot = || -> String {
        conn.query_row(
            "SELECT string_agg(concat_ws('/', import_id, sale_date, product_id, line_qty, adjustment, lines, qty, revenue), ';'
                               ORDER BY sale_date, product_id, line_qty)
             || '|' || (SELECT string_agg(concat_ws('/', import_id, sale_date, client_id, revenue, invoices), ';'
                                          ORDER BY sale_date, client_id) FROM sales_client_day)
             || '|' || (SELECT string_agg(concat_ws('/', month, product_id, last_sold, days, round(sxx, 9) + 0.0, round(sxy, 9) + 0.0, prices), ';'
                                          ORDER BY month, product_id) FROM sales_product_month)
             || '|' || (SELECT string_agg(concat_ws('/', product_id, n, round(sxx, 9) + 0.0, round(sxy, 9) + 0.0, prices), ';' ORDER BY product_id)
                        FROM sales_product_fit)
             FROM sales_product_day",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    let maintained = snapshot();
    store.rebuild_sales_aggregates().unwrap();
    assert_eq!(snapshot(), maintained);
    // I4's return (the case checks the row itself): the snapshot is not empty.
    assert!(maintained.contains("1/2026-03-28/A/-1.000/false/1/-1.000/-2.00"), "{maintained}");
    // Undo removes the import's aggregates with its invoices.
    comptoir_core::import::history::undo(&store, 1).unwrap();
    let left: i64 = conn
        .query_row(
            "SELECT (SELECT count(*) FROM sales_product_day) + (SELECT count(*) FROM sales_client_day) + (SELECT count(*) FROM invoices)
                    + (SELECT count(*) FROM sales_product_month) + (SELECT count(*) FROM sales_product_fit)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0);
}
