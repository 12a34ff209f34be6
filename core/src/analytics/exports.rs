//! Excel exports of the dashboard, of the promotion-eligible clients and of
//! the invoice lines behind a figure (drill-down).
//! Every text cell is neutralised against formula injection (OWASP: a leading
//! `= + - @` TAB or CR gets Excel's quote-prefix format, the text unchanged);
//! amounts are written as numbers.

use crate::analytics::charts::Lang;
use crate::analytics::lines::{self, LineFilter};
use crate::analytics::{ClientTier, Kpis, Markdown, Replenishment, Report, Window};
use crate::error::{CoreError, Result};
use crate::import::errors_out::write_text;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use std::path::Path;

enum Cell {
    Text(String),
    /// A decimal string written as a number ("1234.50").
    Amount(Option<String>),
    Int(i64),
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn amount(s: &str) -> Cell {
    Cell::Amount(Some(s.to_string()))
}

fn maybe(s: &Option<String>) -> Cell {
    Cell::Amount(s.clone())
}

/// Reason codes (`expired`, `negative_profit`…) as words of `lang`.
fn reasons(codes: &[String], lang: Lang) -> String {
    codes.iter().map(|c| crate::messages::label(c, lang)).collect::<Vec<_>>().join(", ")
}

fn label(lang: Lang, en: &'static str, fr: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Fr => fr,
    }
}

fn write_table(sheet: &mut Worksheet, headers: &[&str], rows: &[Vec<Cell>]) -> std::result::Result<(), XlsxError> {
    write_headers(sheet, headers)?;
    for (r, row) in rows.iter().enumerate() {
        write_row(sheet, r as u32 + 1, row)?;
    }
    sheet.autofit();
    Ok(())
}

fn write_headers(sheet: &mut Worksheet, headers: &[&str]) -> std::result::Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    for (c, h) in headers.iter().enumerate() {
        write_text(sheet, 0, c as u16, h, &bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn write_row(sheet: &mut Worksheet, r: u32, row: &[Cell]) -> std::result::Result<(), XlsxError> {
    let plain = Format::new();
    let number = Format::new().set_num_format("#,##0.00##");
    for (c, cell) in row.iter().enumerate() {
        let c = c as u16;
        match cell {
            Cell::Text(s) => write_text(sheet, r, c, s, &plain)?,
            Cell::Amount(Some(s)) => match s.parse::<f64>() {
                Ok(v) => {
                    sheet.write_number_with_format(r, c, v, &number)?;
                }
                Err(_) => write_text(sheet, r, c, s, &plain)?,
            },
            Cell::Amount(None) => {}
            Cell::Int(i) => {
                sheet.write_number(r, c, *i as f64)?;
            }
        }
    }
    Ok(())
}

fn save(book: &mut Workbook, out: &Path) -> Result<()> {
    book.save(out).map_err(|e| CoreError::Write { path: out.display().to_string(), reason: e.to_string() })
}

fn kpi_rows(lang: Lang, now: &Kpis, before: &Kpis) -> Vec<Vec<Cell>> {
    let pairs: [(&str, &str, Option<String>, Option<String>); 8] = [
        ("Revenue", "Chiffre d'affaires", Some(now.revenue.clone()), Some(before.revenue.clone())),
        ("Profit", "Marge", now.profit.clone(), before.profit.clone()),
        ("Margin rate", "Taux de marge", now.margin_rate.clone(), before.margin_rate.clone()),
        ("Invoices", "Factures", Some(now.invoices.to_string()), Some(before.invoices.to_string())),
        ("Average basket", "Panier moyen", now.average_basket.clone(), before.average_basket.clone()),
        ("Units sold", "Unités vendues", Some(now.units_sold.clone()), Some(before.units_sold.clone())),
        ("Stock value", "Valeur du stock", Some(now.stock_value.clone()), Some(before.stock_value.clone())),
        ("Value at risk", "Valeur à risque", Some(now.value_at_risk.clone()), Some(before.value_at_risk.clone())),
    ];
    pairs.into_iter().map(|(en, fr, a, b)| vec![text(label(lang, en, fr)), Cell::Amount(a), Cell::Amount(b)]).collect()
}

/// The dashboard as a workbook: a summary sheet, then one sheet per table.
pub fn dashboard_xlsx(report: &Report, currency: &str, lang: Lang, out: &Path) -> Result<()> {
    let (timeline, categories) = (&report.sales_timeline, &report.category_sales);
    let fail = |e: XlsxError| CoreError::Write { path: out.display().to_string(), reason: e.to_string() };
    let l = |en, fr| label(lang, en, fr);
    let mut book = Workbook::new();
    let mut summary = vec![
        vec![text(l("As of", "Arrêté au")), text(report.as_of.to_string())],
        vec![text(l("From", "Du")), text(report.window.from.to_string())],
        vec![text(l("To", "Au")), text(report.window.to.to_string())],
        vec![text(l("Currency", "Devise")), text(currency)],
        vec![],
    ];
    summary.push(vec![
        text(l("Indicator", "Indicateur")),
        text(l("This period", "Cette période")),
        text(l("Previous period", "Période précédente")),
    ]);
    summary.extend(kpi_rows(lang, &report.kpis.current, &report.kpis.previous));
    write_table(book.add_worksheet().set_name(l("Summary", "Synthèse")).map_err(fail)?, &[l("Dashboard", "Tableau de bord")], &summary)
        .map_err(fail)?;

    let winners: Vec<Vec<Cell>> = report
        .winners
        .iter()
        .map(|w| vec![Cell::Int(w.rank), text(&w.product_id), text(&w.name), amount(&w.quantity), amount(&w.revenue), maybe(&w.profit)])
        .collect();
    let product_headers = [
        l("Rank", "Rang"),
        l("Product", "Produit"),
        l("Name", "Nom"),
        l("Quantity", "Quantité"),
        l("Revenue", "Chiffre d'affaires"),
        l("Profit", "Marge"),
    ];
    write_table(book.add_worksheet().set_name(l("Winners", "Gagnants")).map_err(fail)?, &product_headers, &winners).map_err(fail)?;

    let losers: Vec<Vec<Cell>> = report
        .losers
        .iter()
        .map(|x| {
            vec![
                text(&x.product_id),
                text(&x.name),
                text(reasons(&x.reasons, lang)),
                maybe(&x.buy_price),
                maybe(&x.sell_price),
                maybe(&x.margin_rate),
                amount(&x.min_margin_threshold),
                amount(&x.quantity),
                amount(&x.revenue),
                amount(&x.profit),
            ]
        })
        .collect();
    let headers = [
        l("Product", "Produit"),
        l("Name", "Nom"),
        l("Reasons", "Raisons"),
        l("Buy price", "Prix d'achat"),
        l("Sell price", "Prix de vente"),
        l("Margin rate", "Taux de marge"),
        l("Minimum margin", "Marge minimale"),
        l("Quantity", "Quantité"),
        l("Revenue", "Chiffre d'affaires"),
        l("Profit", "Marge"),
    ];
    write_table(book.add_worksheet().set_name(l("Losers", "Perdants")).map_err(fail)?, &headers, &losers).map_err(fail)?;

    let risk: Vec<Vec<Cell>> = report
        .loss_risk
        .iter()
        .map(|x| {
            vec![
                text(&x.stock_id),
                text(&x.product_id),
                text(&x.name),
                text(reasons(&x.reasons, lang)),
                amount(&x.quantity),
                text(x.expiry_date.map(|d| d.to_string()).unwrap_or_default()),
                text(x.last_movement.map(|d| d.to_string()).unwrap_or_default()),
                x.days_left.map(Cell::Int).unwrap_or(Cell::Amount(None)),
                maybe(&x.value_at_risk),
                maybe(&x.forecast_leftover),
                maybe(&x.forecast_leftover_value),
            ]
        })
        .collect();
    let headers = [
        l("Batch", "Lot"),
        l("Product", "Produit"),
        l("Name", "Nom"),
        l("Reasons", "Raisons"),
        l("Quantity", "Quantité"),
        l("Expiry", "Péremption"),
        l("Last movement", "Dernier mouvement"),
        l("Days left", "Jours restants"),
        l("Value at risk", "Valeur à risque"),
        l("Forecast leftover", "Reste prévu"),
        l("Forecast leftover value", "Valeur du reste prévu"),
    ];
    write_table(book.add_worksheet().set_name(l("Loss risk", "Risque de perte")).map_err(fail)?, &headers, &risk).map_err(fail)?;

    write_markdowns(book.add_worksheet().set_name(word("sheet_markdowns", lang)).map_err(fail)?, &report.markdowns, lang).map_err(fail)?;
    write_replenishment(book.add_worksheet().set_name(word("sheet_replenishment", lang)).map_err(fail)?, &report.replenishment, lang)
        .map_err(fail)?;

    write_clients(book.add_worksheet().set_name("Clients").map_err(fail)?, &report.clients, lang).map_err(fail)?;

    let ageing: Vec<Vec<Cell>> =
        report.stock_ageing.iter().map(|b| vec![text(&b.bucket), amount(&b.units), amount(&b.value), Cell::Int(b.batches)]).collect();
    let headers = [l("Age", "Âge"), l("Units", "Unités"), l("Value", "Valeur"), l("Batches", "Lots")];
    write_table(book.add_worksheet().set_name(l("Stock ageing", "Âge du stock")).map_err(fail)?, &headers, &ageing).map_err(fail)?;

    let cats: Vec<Vec<Cell>> = categories
        .iter()
        .map(|c| vec![text(c.category.clone().unwrap_or_default()), amount(&c.revenue), maybe(&c.profit), amount(&c.quantity)])
        .collect();
    let headers = [l("Category", "Catégorie"), l("Revenue", "Chiffre d'affaires"), l("Profit", "Marge"), l("Quantity", "Quantité")];
    write_table(book.add_worksheet().set_name(l("Categories", "Catégories")).map_err(fail)?, &headers, &cats).map_err(fail)?;

    let days: Vec<Vec<Cell>> = timeline.iter().map(|d| vec![text(d.day.to_string()), amount(&d.revenue), maybe(&d.profit)]).collect();
    let headers = [l("Day", "Jour"), l("Revenue", "Chiffre d'affaires"), l("Profit", "Marge")];
    write_table(book.add_worksheet().set_name(l("By day", "Par jour")).map_err(fail)?, &headers, &days).map_err(fail)?;
    save(&mut book, out)
}

fn write_clients(sheet: &mut Worksheet, clients: &[ClientTier], lang: Lang) -> std::result::Result<(), XlsxError> {
    let l = |en, fr| label(lang, en, fr);
    let rows: Vec<Vec<Cell>> = clients
        .iter()
        .map(|c| {
            vec![
                text(&c.client_id),
                text(&c.name),
                amount(&c.lifetime_revenue),
                text(crate::messages::label(&c.tier, lang)),
                text(if c.eligible_promo { l("yes", "oui") } else { l("no", "non") }),
                maybe(&c.to_next_tier),
            ]
        })
        .collect();
    let headers = [
        l("Client", "Client"),
        l("Name", "Nom"),
        l("Lifetime revenue", "Chiffre d'affaires cumulé"),
        l("Tier", "Niveau"),
        l("Eligible for the promotion", "Éligible à la promotion"),
        l("To the next tier", "Jusqu'au niveau suivant"),
    ];
    write_table(sheet, &headers, &rows)
}

/// A word of the exports from the catalog (`messages.rs`, `label_…`).
fn word(key: &str, lang: Lang) -> String {
    crate::messages::label(key, lang)
}

fn date_cell(d: Option<chrono::NaiveDate>) -> Cell {
    text(d.map(|d| d.to_string()).unwrap_or_default())
}

/// The markdown suggestions of the batches at risk (SPEC §4.1).
fn write_markdowns(sheet: &mut Worksheet, rows: &[Markdown], lang: Lang) -> std::result::Result<(), XlsxError> {
    let rows: Vec<Vec<Cell>> = rows
        .iter()
        .map(|m| {
            vec![
                text(&m.stock_id),
                text(&m.product_id),
                text(&m.name),
                amount(&m.quantity),
                Cell::Int(m.days_left),
                amount(&m.elasticity),
                text(word(&format!("elasticity_{}", m.elasticity_source), lang)),
                amount(&m.discount),
                maybe(&m.price),
                maybe(&m.suggested_price),
                amount(&m.units_expected),
                maybe(&m.money_recovered),
                maybe(&m.money_lost_without),
                text(if m.cannot_clear { word("cannot_clear", lang) } else { word("yes", lang) }),
            ]
        })
        .collect();
    let headers: Vec<String> = [
        "col_batch",
        "col_product",
        "col_name",
        "col_quantity",
        "col_days_left",
        "col_elasticity",
        "col_elasticity_source",
        "col_discount",
        "col_price",
        "col_suggested_price",
        "col_units_expected",
        "col_money_recovered",
        "col_money_lost_without",
        "col_clears",
    ]
    .iter()
    .map(|k| word(k, lang))
    .collect();
    write_table(sheet, &headers.iter().map(String::as_str).collect::<Vec<_>>(), &rows)
}

/// Days of cover and what to order, per product sold in the 30 days (SPEC §4.1).
fn write_replenishment(sheet: &mut Worksheet, rows: &[Replenishment], lang: Lang) -> std::result::Result<(), XlsxError> {
    let rows: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            vec![
                text(&r.product_id),
                text(&r.name),
                amount(&r.units_30),
                amount(&r.daily_rate),
                amount(&r.on_hand),
                amount(&r.days_of_cover),
                date_cell(r.stock_out_date),
                text(word(if r.reorder { "yes" } else { "no" }, lang)),
                maybe(&r.suggested_quantity),
                maybe(&r.order_value),
            ]
        })
        .collect();
    let headers: Vec<String> = [
        "col_product",
        "col_name",
        "col_sold_30",
        "col_daily_rate",
        "col_on_hand",
        "col_days_of_cover",
        "col_stock_out",
        "col_reorder",
        "col_suggested_quantity",
        "col_order_value",
    ]
    .iter()
    .map(|k| word(k, lang))
    .collect();
    write_table(sheet, &headers.iter().map(String::as_str).collect::<Vec<_>>(), &rows)
}

/// The order list: the products to reorder with their suggested quantity
/// (SPEC §4.1), one sheet, most urgent first (the report's order).
pub fn order_list_xlsx(rows: &[Replenishment], lang: Lang, out: &Path) -> Result<()> {
    let fail = |e: XlsxError| CoreError::Write { path: out.display().to_string(), reason: e.to_string() };
    let lines: Vec<Vec<Cell>> = rows
        .iter()
        .filter(|r| r.reorder && r.suggested_quantity.is_some())
        .map(|r| {
            vec![
                text(&r.product_id),
                text(&r.name),
                maybe(&r.suggested_quantity),
                maybe(&r.buy_price),
                maybe(&r.order_value),
                amount(&r.on_hand),
                amount(&r.days_of_cover),
                date_cell(r.stock_out_date),
            ]
        })
        .collect();
    let headers: Vec<String> = [
        "col_product",
        "col_name",
        "col_quantity_to_order",
        "col_buy_price",
        "col_order_value",
        "col_on_hand",
        "col_days_of_cover",
        "col_stock_out",
    ]
    .iter()
    .map(|k| word(k, lang))
    .collect();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name(word("sheet_order_list", lang)).map_err(fail)?;
    write_table(sheet, &headers.iter().map(String::as_str).collect::<Vec<_>>(), &lines).map_err(fail)?;
    save(&mut book, out)
}

/// The clients eligible for the promotion, one sheet.
pub fn promo_clients_xlsx(clients: &[ClientTier], lang: Lang, out: &Path) -> Result<()> {
    let fail = |e: XlsxError| CoreError::Write { path: out.display().to_string(), reason: e.to_string() };
    let eligible: Vec<ClientTier> = clients.iter().filter(|c| c.eligible_promo).cloned().collect();
    let mut book = Workbook::new();
    write_clients(book.add_worksheet().set_name(label(lang, "Promotion", "Promotion")).map_err(fail)?, &eligible, lang).map_err(fail)?;
    save(&mut book, out)
}

/// Rows of one sheet, the header's included (Excel's limit).
const EXCEL_ROWS: u64 = 1_048_576;

/// Writes every line that matches, streamed row by row (constant memory:
/// a month of a large store is millions of lines), then their totals.
pub fn lines_xlsx(store: &crate::store::Store, window: &Window, filter: &LineFilter, lang: Lang, out: &Path) -> Result<()> {
    let totals = lines::totals(store, window, filter)?;
    if totals.lines + 2 >= EXCEL_ROWS {
        return Err(CoreError::invalid("lines_too_many", [totals.lines.to_string()]));
    }
    let fail = |e: XlsxError| CoreError::Write { path: out.display().to_string(), reason: e.to_string() };
    let mut book = Workbook::new();
    let sheet = book.add_worksheet_with_constant_memory().map_err(fail)?.set_name(label(lang, "Lines", "Lignes")).map_err(fail)?;
    let headers = [
        label(lang, "Date", "Date"),
        label(lang, "Invoice", "Facture"),
        label(lang, "Client", "Client"),
        label(lang, "Product", "Produit"),
        label(lang, "Name", "Désignation"),
        label(lang, "Qty", "Qté"),
        label(lang, "Unit price", "Prix unitaire"),
        label(lang, "Revenue", "CA"),
        label(lang, "Cost", "Coût"),
        label(lang, "Profit", "Marge"),
    ];
    write_headers(sheet, &headers).map_err(fail)?;
    let mut r = 0u32;
    let mut written = Ok(());
    lines::for_each_line(store, window, filter, None, &mut |l| {
        r += 1;
        let client = l.client_name.clone().or(l.client_id.clone()).unwrap_or_default();
        let row = [
            text(l.date.to_string()),
            text(l.invoice_id),
            text(client),
            text(l.product_id),
            text(l.product_name),
            amount(&l.qty),
            amount(&l.unit_price),
            amount(&l.revenue),
            maybe(&l.cost),
            maybe(&l.profit),
        ];
        if written.is_ok() {
            written = write_row(sheet, r, &row);
        }
    })?;
    written.map_err(fail)?;
    let total_row = [
        text(label(lang, "Total", "Total")),
        text(format!("{} {}", totals.lines, label(lang, "lines", "lignes"))),
        text(""),
        text(""),
        text(""),
        amount(&totals.qty),
        Cell::Amount(None),
        amount(&totals.revenue),
        maybe(&totals.cost),
        maybe(&totals.profit),
    ];
    write_row(sheet, r + 1, &total_row).map_err(fail)?;
    save(&mut book, out)
}
