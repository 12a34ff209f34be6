//! Drill-down (SPEC §4.1): the lines behind each figure add up to it. The
//! figures come from the daily aggregates (one row per product and day); the
//! lines from the invoice lines themselves, each rounded to cents: two
//! computations that share no table, so a total that differs is a real bug.
//! Then a hand-made store checks search, sorting, paging and the unknown cost.

use crate::support::*;
use chrono::Duration;
use comptoir_core::analytics::lines::{self, LineFilter, LineSort, PageRequest};
use comptoir_core::analytics::{self, Period, Window};
use comptoir_core::store::Store;

/// The totals as the screen gets them, checked against the lines summed one
/// by one (the screen's come from the daily aggregates when they suffice).
fn totals(store: &Store, window: &Window, filter: LineFilter) -> lines::LineTotals {
    let shown = lines::totals(store, window, &filter).unwrap();
    assert_eq!(shown, lines::totals_from_lines(store, window, &filter).unwrap(), "{filter:?} {window:?}");
    shown
}

fn product(id: &str) -> LineFilter {
    LineFilter { product: Some(id.into()), ..LineFilter::default() }
}

#[test]
fn every_figure_of_the_sample_is_the_sum_of_its_lines() {
    let dir = TempDir::new("drill-sample");
    let store = Store::open(&dir.join("s.duckdb")).unwrap();
    import(&store, &[sample_path()]);
    for period in [Period::Month, Period::Week, Period::All] {
        let r = analytics::report(&store, None, period).unwrap();
        let all = totals(&store, &r.window, LineFilter::default());
        let k = &r.kpis.current;
        assert_eq!(all.revenue, k.revenue, "{period:?} revenue KPI");
        assert_eq!(all.profit, k.profit, "{period:?} profit KPI");
        assert_eq!(all.qty, k.units_sold, "{period:?} units KPI");
        assert_eq!(all.invoices as i64, k.invoices, "{period:?} invoices KPI");
        assert!(all.lines > 0);
        for w in &r.winners {
            let t = totals(&store, &r.window, product(&w.product_id));
            assert_eq!((t.revenue.as_str(), t.qty.as_str()), (w.revenue.as_str(), w.quantity.as_str()), "winner {}", w.product_id);
            if r.ranked_by == "profit" {
                assert_eq!(t.profit, w.profit, "winner {}", w.product_id);
            }
        }
        for l in &r.losers {
            let t = totals(&store, &r.window, product(&l.product_id));
            if t.lines == 0 {
                // A product that sold nothing: its 0.00 is the sum of no line.
                assert_eq!((l.revenue.as_str(), l.profit.as_str()), ("0.00", "0.00"), "loser {}", l.product_id);
                continue;
            }
            assert_eq!((t.revenue.as_str(), t.profit.as_deref()), (l.revenue.as_str(), Some(l.profit.as_str())), "loser {}", l.product_id);
        }
        for c in &r.category_sales {
            let filter = LineFilter { category: Some(c.category.clone().unwrap_or_default()), ..LineFilter::default() };
            let t = totals(&store, &r.window, filter);
            assert_eq!((t.revenue.as_str(), &t.profit), (c.revenue.as_str(), &c.profit), "category {:?}", c.category);
        }
        for day in r.sales_timeline.iter().filter(|d| d.revenue != "0.00") {
            let t = totals(&store, &Window { from: day.day, to: day.day }, LineFilter::default());
            assert_eq!((t.revenue.as_str(), &t.profit), (day.revenue.as_str(), &day.profit), "day {}", day.day);
        }
    }
    // A page found by its keys first (sorted by date or invoice) is the page the full query gives.
    let r = analytics::report(&store, None, Period::Month).unwrap();
    for filter in [LineFilter::default(), product(&r.winners[0].product_id)] {
        for (sort, descending) in [(LineSort::Date, true), (LineSort::Date, false), (LineSort::Invoice, true)] {
            let request = PageRequest { offset: 3, limit: 20, sort, descending };
            let page = lines::page(&store, r.window, filter.clone(), request).unwrap().lines;
            let mut whole = Vec::new();
            lines::for_each_line(&store, &r.window, &filter, Some(&request), &mut |l| whole.push(l)).unwrap();
            assert_eq!(page, whole, "{filter:?} {sort:?}");
            assert_eq!(page.len(), 20, "{filter:?}");
        }
    }
    // A client's lines since the first sale, plus its opening revenue, are its lifetime revenue.
    let r = analytics::report(&store, None, Period::All).unwrap();
    let opening: std::collections::HashMap<String, rust_decimal::Decimal> = store
        .conn()
        .prepare("SELECT client_id, round(coalesce(total_revenue_generated, 0), 2)::VARCHAR FROM clients")
        .unwrap()
        .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))
        .unwrap()
        .map(|x| x.unwrap())
        .map(|(id, v)| (id, v.parse().unwrap()))
        .collect();
    for c in r.clients.iter().take(25) {
        let filter = LineFilter { client: Some(c.client_id.clone()), ..LineFilter::default() };
        let bought: rust_decimal::Decimal = totals(&store, &r.window, filter).revenue.parse().unwrap();
        assert_eq!((bought + opening[&c.client_id]).to_string(), c.lifetime_revenue, "client {}", c.client_id);
    }
    // A batch at risk opens its product's sales of the 30 days up to as_of.
    let risk = r.loss_risk.first().expect("the sample has stock at risk");
    let recent = Window { from: r.as_of - Duration::days(29), to: r.as_of };
    let page = lines::page(&store, recent, product(&risk.product_id), PageRequest::default()).unwrap();
    assert!(page.lines.iter().all(|l| l.product_id == risk.product_id && l.date >= recent.from && l.date <= recent.to));
}

/// Three invoices written by hand: P1 has a cost, P2 has none.
///   I1 2026-03-01 K1 Anna:  P1 2 × 1.50 = 3.00 (cost 2 × 1.00 = 2.00), P2 1 × 4.00 = 4.00
///   I2 2026-03-02 K2 Bruno: P1 1 × 1.50 = 1.50 (cost 1.00)
///   I3 2026-03-03 walk-in:  P2 −1 × 4.00 = −4.00 (a return: its invoice's revenue is not positive)
fn hand_made(dir: &TempDir) -> Store {
    let store = Store::open(&dir.join("s.duckdb")).unwrap();
    let products = dir.join("products.csv");
    std::fs::write(
        &products,
        "product_id,name,category,buy_price,sell_price\nP1,Pain au levain,Boulangerie,1.00,1.50\nP2,Miel 50%_bio,,,4.00\n",
    )
    .unwrap();
    let clients = dir.join("clients.csv");
    std::fs::write(&clients, "client_id,name\nK1,Anna\nK2,Bruno\n").unwrap();
    let sales = dir.join("sales.csv");
    std::fs::write(
        &sales,
        "invoice_id,timestamp,client_id,product_id,qty,unit_price\n\
         I1,2026-03-01 10:00,K1,P1,2,1.50\nI1,2026-03-01 10:00,K1,P2,1,4.00\n\
         I2,2026-03-02 11:00,K2,P1,1,1.50\nI3,2026-03-03 12:00,,P2,-1,4.00\n",
    )
    .unwrap();
    let report = import(&store, &[products, clients, sales]);
    assert_eq!(report.error_count, 0, "{:?}", report.errors);
    store
}

#[test]
fn lines_are_searched_sorted_and_paged_with_the_totals_of_them_all() {
    let dir = TempDir::new("drill-hand");
    let store = hand_made(&dir);
    let march = Window { from: "2026-03-01".parse().unwrap(), to: "2026-03-31".parse().unwrap() };
    let all = totals(&store, &march, LineFilter::default());
    // 3.00 + 4.00 + 1.50 − 4.00 = 4.50; cost only for P1: 2.00 + 1.00 = 3.00; profit 1.00 + 0.50 = 1.50;
    // qty 2 + 1 + 1 − 1 = 3; invoices with positive revenue: I1 (7.00), I2 (1.50), not I3 (−4.00).
    assert_eq!(
        (all.lines, all.invoices, all.qty.as_str(), all.revenue.as_str(), all.cost.as_deref(), all.profit.as_deref()),
        (4, 2, "3", "4.50", Some("3.00"), Some("1.50"))
    );
    // P2 has no buy price: its cost and profit are unknown, never 0.
    let p2 = totals(&store, &march, product("P2"));
    assert_eq!((p2.revenue.as_str(), p2.cost, p2.profit), ("0.00", None, None));
    // The products without a category: P2.
    let uncategorised = totals(&store, &march, LineFilter { category: Some(String::new()), ..LineFilter::default() });
    assert_eq!(uncategorised.lines, 2);

    // Search: every word, any case, in the invoice, product, client or their names;
    // LIKE's own characters are taken literally.
    let search = |words: &str| totals(&store, &march, LineFilter { search: Some(words.into()), ..LineFilter::default() }).lines;
    assert_eq!(search("levain"), 2);
    assert_eq!(search("LEVAIN anna"), 1);
    assert_eq!(search("bruno"), 1);
    assert_eq!(search("50%_"), 2, "the literal 50%_ of the honey's name");
    assert_eq!(search("5_%"), 0, "not a pattern");
    assert_eq!(search("i3"), 1);

    // Sorted by revenue, largest first, two per page: 4.00, 3.00 | 1.50, −4.00.
    let by_revenue = |offset| {
        let page = PageRequest { offset, limit: 2, sort: LineSort::Revenue, descending: true };
        let p = lines::page(&store, march, LineFilter::default(), page).unwrap();
        assert_eq!(p.totals.revenue, "4.50", "the totals cover every page");
        p.lines.iter().map(|l| l.revenue.clone()).collect::<Vec<_>>()
    };
    assert_eq!(by_revenue(0), ["4.00", "3.00"]);
    assert_eq!(by_revenue(2), ["1.50", "-4.00"]);
    assert!(by_revenue(4).is_empty());
    // By date, oldest first; the walk-in line has no client.
    let page = PageRequest { sort: LineSort::Date, descending: false, ..PageRequest::default() };
    let p = lines::page(&store, march, LineFilter::default(), page).unwrap();
    let rows: Vec<_> = p.lines.iter().map(|l| (l.invoice_id.as_str(), l.client_name.as_deref(), l.qty.as_str())).collect();
    assert_eq!(rows, [("I1", Some("Anna"), "2"), ("I1", Some("Anna"), "1"), ("I2", Some("Bruno"), "1"), ("I3", None, "-1")]);
    let too_big = PageRequest { limit: lines::MAX_PAGE + 1, ..PageRequest::default() };
    assert_eq!(lines::page(&store, march, LineFilter::default(), too_big).unwrap_err().to_string(), "A page holds 1 to 1000 lines.");
}

#[test]
fn the_lines_export_holds_every_line_and_the_total() {
    let dir = TempDir::new("drill-xlsx");
    let store = hand_made(&dir);
    let march = Window { from: "2026-03-01".parse().unwrap(), to: "2026-03-31".parse().unwrap() };
    let out = dir.join("lines.xlsx");
    comptoir_core::analytics::exports::lines_xlsx(&store, &march, &LineFilter::default(), comptoir_core::messages::Lang::Fr, &out).unwrap();
    use calamine::{open_workbook_auto, Data, Reader};
    let mut book = open_workbook_auto(&out).unwrap();
    let range = book.worksheet_range("Lignes").unwrap();
    let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    assert_eq!(rows.len(), 6, "header, 4 lines, total");
    assert_eq!(rows[0][7], Data::String("CA".into()));
    assert_eq!(rows[5][0], Data::String("Total".into()));
    assert_eq!(rows[5][7], Data::Float(4.5));
    assert_eq!(rows[5][9], Data::Float(1.5));
}
