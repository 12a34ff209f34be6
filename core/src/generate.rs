//! `comptoir generate`: a deterministic workbook in the template of SPEC §2.1
//! for a plausible small grocery. The same `lines` always gives the same cells.

use crate::error::{CoreError, Result};
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use std::path::Path;

/// The last day of sales in generated workbooks.
pub const END_DATE: (i32, u32, u32) = (2026, 5, 31);
/// Days of sales before and including END_DATE (about six months).
pub const DAYS: i64 = 182;
pub const DEFAULT_LINES: usize = 20_000;

/// SplitMix64: tiny, fast, and stable across library versions (unlike `rand`).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo + 1) as u64)) as i64
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const CATEGORIES: &[(&str, &[&str], bool)] = &[
    // (category, products, perishable)
    (
        "Fruits et légumes",
        &[
            "Pommes Golden 1 kg",
            "Bananes Cavendish 1 kg",
            "Tomates grappe 500 g",
            "Carottes 1 kg",
            "Pommes de terre 2,5 kg",
            "Oignons jaunes 1 kg",
            "Courgettes 500 g",
            "Salade batavia",
            "Citrons jaunes x4",
            "Oranges à jus 2 kg",
            "Avocats x2",
            "Fraises 250 g",
            "Poivrons tricolores x3",
            "Champignons de Paris 250 g",
            "Concombre",
        ],
        true,
    ),
    (
        "Crèmerie",
        &[
            "Lait demi-écrémé 1 L",
            "Beurre doux 250 g",
            "Yaourt nature x8",
            "Crème fraîche 20 cl",
            "Emmental râpé 200 g",
            "Camembert de Normandie",
            "Comté 12 mois 250 g",
            "Œufs plein air x12",
            "Fromage blanc 500 g",
            "Mozzarella 125 g",
            "Lait entier bio 1 L",
            "Roquefort 150 g",
            "Beurre demi-sel 250 g",
            "Skyr nature 450 g",
            "Chèvre frais 150 g",
        ],
        true,
    ),
    (
        "Boucherie",
        &[
            "Steak haché 5 % x2",
            "Poulet fermier entier",
            "Escalopes de dinde 400 g",
            "Côtes de porc x4",
            "Saucisses de Toulouse x6",
            "Jambon blanc x4",
            "Lardons fumés 200 g",
            "Merguez x6",
            "Rôti de bœuf 800 g",
            "Filet de saumon 250 g",
            "Cuisses de poulet x4",
            "Rillettes du Mans 220 g",
            "Pâté de campagne 200 g",
            "Chipolatas x6",
            "Blanc de poulet x2",
        ],
        true,
    ),
    (
        "Boulangerie",
        &[
            "Baguette tradition",
            "Pain de campagne 400 g",
            "Croissant pur beurre",
            "Pain au chocolat",
            "Pain de mie complet",
            "Brioche tranchée 500 g",
            "Pain aux céréales",
            "Chouquettes x10",
            "Tarte aux pommes",
            "Éclair au chocolat",
            "Ficelle",
            "Pain complet bio",
            "Madeleines x12",
            "Fougasse aux olives",
            "Chausson aux pommes",
        ],
        true,
    ),
    (
        "Épicerie salée",
        &[
            "Pâtes spaghetti 500 g",
            "Riz basmati 1 kg",
            "Huile d'olive vierge extra 1 L",
            "Sauce tomate basilic 400 g",
            "Thon au naturel 3x80 g",
            "Lentilles vertes 500 g",
            "Moutarde de Dijon 370 g",
            "Sel de Guérande 1 kg",
            "Farine de blé T55 1 kg",
            "Couscous moyen 1 kg",
            "Pois chiches 400 g",
            "Vinaigre balsamique 50 cl",
            "Chips nature 150 g",
            "Olives vertes 200 g",
            "Soupe de légumes 1 L",
        ],
        false,
    ),
    (
        "Épicerie sucrée",
        &[
            "Café moulu 250 g",
            "Thé vert 25 sachets",
            "Chocolat noir 70 % 100 g",
            "Confiture de fraises 370 g",
            "Sucre en poudre 1 kg",
            "Miel de fleurs 500 g",
            "Céréales muesli 750 g",
            "Biscuits petit beurre 200 g",
            "Pâte à tartiner 400 g",
            "Compote de pommes x4",
            "Cacao en poudre 400 g",
            "Crêpes x10",
            "Café en grains 1 kg",
            "Sirop de grenadine 75 cl",
            "Galettes bretonnes 125 g",
        ],
        false,
    ),
    (
        "Boissons",
        &[
            "Eau minérale 6x1,5 L",
            "Eau gazeuse 1 L",
            "Jus d'orange 1 L",
            "Cola 1,5 L",
            "Bière blonde 6x25 cl",
            "Vin rouge Bordeaux 75 cl",
            "Vin blanc Muscadet 75 cl",
            "Champagne brut 75 cl",
            "Limonade 1,5 L",
            "Jus de pomme bio 1 L",
            "Cidre brut 75 cl",
            "Thé glacé pêche 1,5 L",
            "Sirop de menthe 75 cl",
            "Rosé de Provence 75 cl",
            "Eau de source 6x50 cl",
        ],
        false,
    ),
    (
        "Surgelés",
        &[
            "Frites 1 kg",
            "Pizza 4 fromages",
            "Petits pois 1 kg",
            "Glace vanille 1 L",
            "Poisson pané x10",
            "Épinards hachés 750 g",
            "Haricots verts 1 kg",
            "Lasagnes bolognaise 1 kg",
            "Crevettes cuites 400 g",
            "Sorbet citron 750 ml",
            "Nuggets de poulet 500 g",
            "Poêlée de légumes 1 kg",
            "Tarte flambée",
            "Framboises 300 g",
            "Croissants à cuire x10",
        ],
        true,
    ),
    (
        "Hygiène",
        &[
            "Savon de Marseille 300 g",
            "Shampooing doux 250 ml",
            "Dentifrice menthe 75 ml",
            "Gel douche 250 ml",
            "Papier toilette x12",
            "Mouchoirs x10",
            "Déodorant 150 ml",
            "Coton-tiges x200",
            "Brosse à dents souple",
            "Rasoirs jetables x5",
            "Crème hydratante 50 ml",
            "Lingettes bébé x64",
            "Couches taille 4 x44",
            "Serviettes hygiéniques x16",
            "Gel hydroalcoolique 100 ml",
        ],
        false,
    ),
    (
        "Entretien",
        &[
            "Liquide vaisselle 750 ml",
            "Lessive liquide 2 L",
            "Éponges x6",
            "Sacs poubelle 30 L x20",
            "Nettoyant multi-usages 1 L",
            "Essuie-tout x4",
            "Javel 1 L",
            "Pastilles lave-vaisselle x40",
            "Adoucissant 1 L",
            "Vinaigre blanc 1 L",
            "Papier aluminium 20 m",
            "Film étirable 30 m",
            "Allumettes x250",
            "Bougies chauffe-plat x30",
            "Piles AA x4",
        ],
        false,
    ),
];

const FIRST_NAMES: &[&str] = &[
    "Camille", "Louis", "Léa", "Hugo", "Chloé", "Lucas", "Manon", "Gabriel", "Inès", "Jules", "Sarah", "Adam", "Emma", "Arthur", "Jade",
    "Nathan", "Alice", "Paul", "Zoé", "Théo", "Lina", "Raphaël", "Rose", "Maël", "Anna",
];
const LAST_NAMES: &[&str] = &[
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre",
    "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Blanc",
];
const BUSINESSES: &[&str] = &[
    "Restaurant Le Relais",
    "Café de la Place",
    "Hôtel du Centre",
    "Cantine scolaire Jean-Jaurès",
    "Traiteur Saveurs",
    "Crèche Les Petits Pas",
    "EHPAD Les Tilleuls",
    "Boulangerie Martin",
    "Bistrot du Port",
    "Camping Les Pins",
    "Pizzeria Napoli",
    "Comité d'entreprise Alpha",
    "Association Sportive",
    "Brasserie de la Gare",
    "Gîte des Vignes",
];

struct Product {
    id: String,
    name: String,
    category: &'static str,
    perishable: bool,
    buy_cents: Option<i64>,
    sell_cents: i64,
    min_margin: Option<f64>,
    popularity: u64,
}

fn products(rng: &mut Rng) -> Vec<Product> {
    let mut out = Vec::new();
    for (ci, (category, names, perishable)) in CATEGORIES.iter().enumerate() {
        for (pi, name) in names.iter().enumerate() {
            let n = out.len();
            let buy = rng.range(40, 900) + if *category == "Boissons" && pi == 7 { 1500 } else { 0 };
            let margin_pct = rng.range(18, 65);
            let mut sell = buy + buy * margin_pct / 100;
            let mut min_margin = if rng.chance(40) { Some(rng.range(10, 25) as f64 / 100.0) } else { None };
            // A few products are sold below cost, a few under their minimum margin.
            if n % 31 == 7 {
                sell = buy - buy * rng.range(3, 12) / 100;
            } else if n % 29 == 11 {
                min_margin = Some(0.30);
                sell = buy + buy * rng.range(8, 15) / 100;
            }
            // …and a few have no known cost.
            let buy_cents = if n % 37 == 19 { None } else { Some(buy) };
            out.push(Product {
                id: format!("P{:03}{:02}", ci + 1, pi + 1),
                name: name.to_string(),
                category,
                perishable: *perishable,
                buy_cents,
                sell_cents: sell.max(1),
                min_margin,
                popularity: 1 + (rng.next() % 20) * (rng.next() % 5 + 1),
            });
        }
    }
    out
}

fn end_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(END_DATE.0, END_DATE.1, END_DATE.2).expect("valid end date")
}

fn xlsx_err(path: &Path) -> impl Fn(XlsxError) -> CoreError + '_ {
    move |e| CoreError::Write { path: path.display().to_string(), reason: e.to_string() }
}

/// Writes the workbook with `lines` invoice lines to `out`.
pub fn generate(lines: usize, out: &Path) -> Result<()> {
    let err = xlsx_err(out);
    let mut rng = Rng(0x00C0_FFEE_2026);
    let end = end_date();
    let products = products(&mut rng);
    let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
    let ts_fmt = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let money_fmt = Format::new().set_num_format("0.00");
    let bold = Format::new().set_bold();

    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(END_DATE.0 as u16, END_DATE.1 as u8, END_DATE.2 as u8).map_err(&err)?;
    book.set_properties(&DocProperties::new().set_title("Comptoir sample store").set_creation_datetime(&created));

    // Products
    let mut sheet = Worksheet::new();
    sheet.set_name("Products").map_err(&err)?;
    header(&mut sheet, &["product_id", "name", "category", "buy_price", "sell_price", "min_margin_threshold"], &bold)?;
    for (i, p) in products.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, &p.id).map_err(&err)?;
        sheet.write_string(r, 1, &p.name).map_err(&err)?;
        sheet.write_string(r, 2, p.category).map_err(&err)?;
        if let Some(b) = p.buy_cents {
            sheet.write_number_with_format(r, 3, b as f64 / 100.0, &money_fmt).map_err(&err)?;
        }
        sheet.write_number_with_format(r, 4, p.sell_cents as f64 / 100.0, &money_fmt).map_err(&err)?;
        if let Some(m) = p.min_margin {
            sheet.write_number(r, 5, m).map_err(&err)?;
        }
    }
    sheet.set_column_width(1, 34).map_err(&err)?;
    sheet.set_column_width(2, 18).map_err(&err)?;
    book.push_worksheet(sheet);

    // Stock: ~400 batches, some expired, some expiring within 7 days, some not moving.
    let mut sheet = Worksheet::new();
    sheet.set_name("Stock").map_err(&err)?;
    header(&mut sheet, &["stock_id", "product_id", "quantity", "batch_no", "expiry_date", "last_movement"], &bold)?;
    let mut r = 1u32;
    for (i, p) in products.iter().enumerate() {
        let batches = 2 + i64::from(i % 3 == 0) + i64::from(i % 4 == 0);
        for b in 0..batches {
            let qty = if rng.chance(6) { 0 } else { rng.range(1, 120) };
            sheet.write_string(r, 0, format!("S{r:04}")).map_err(&err)?;
            sheet.write_string(r, 1, &p.id).map_err(&err)?;
            sheet.write_number(r, 2, qty as f64).map_err(&err)?;
            sheet.write_string(r, 3, format!("L{}-{:02}", &p.id[1..], b + 1)).map_err(&err)?;
            if p.perishable || rng.chance(30) {
                let roll = rng.range(0, 99);
                let offset = match roll {
                    0..=7 => -rng.range(1, 20), // expired
                    8..=17 => rng.range(0, 6),  // expiring within 7 days
                    _ => rng.range(7, 240),
                };
                sheet.write_datetime_with_format(r, 4, end + Duration::days(offset), &date_fmt).map_err(&err)?;
            }
            let moved = if rng.chance(12) { rng.range(31, 150) } else { rng.range(0, 25) };
            sheet.write_datetime_with_format(r, 5, end - Duration::days(moved), &date_fmt).map_err(&err)?;
            r += 1;
        }
    }
    book.push_worksheet(sheet);

    // Clients: ~250, some crossing 5,000 / 10,000 / 20,000 with their opening revenue.
    let clients = 250usize;
    let mut sheet = Worksheet::new();
    sheet.set_name("Clients").map_err(&err)?;
    header(&mut sheet, &["client_id", "name", "total_revenue_generated", "loyalty_tier"], &bold)?;
    for i in 0..clients {
        let r = i as u32 + 1;
        let name = if i % 9 == 4 {
            BUSINESSES[i / 9 % BUSINESSES.len()].to_string()
        } else {
            format!("{} {}", FIRST_NAMES[(i * 7 + i / 25) % FIRST_NAMES.len()], LAST_NAMES[(i * 11 + i / 9) % LAST_NAMES.len()])
        };
        let opening = match i % 25 {
            0 => rng.range(1_950_000, 2_600_000),
            1 | 2 => rng.range(970_000, 1_040_000),
            3..=5 => rng.range(480_000, 540_000),
            _ => rng.range(0, 300_000),
        };
        sheet.write_string(r, 0, format!("C{:04}", i + 1)).map_err(&err)?;
        sheet.write_string(r, 1, &name).map_err(&err)?;
        sheet.write_number_with_format(r, 2, opening as f64 / 100.0, &money_fmt).map_err(&err)?;
        // Written as an old export would; Comptoir recomputes it.
        sheet.write_string(r, 3, "Standard").map_err(&err)?;
    }
    sheet.set_column_width(1, 28).map_err(&err)?;
    book.push_worksheet(sheet);

    // Invoices and their lines, in time order. Both sheets are written row by
    // row to temporary files (constant memory), so a million lines stay small.
    const INVOICES: usize = 3;
    const LINES: usize = 4;
    let inv = book.add_worksheet_with_constant_memory().map_err(&err)?;
    inv.set_name("Invoices").map_err(&err)?;
    header(inv, &["invoice_id", "client_id", "timestamp", "total_amount"], &bold)?;
    let lin = book.add_worksheet_with_constant_memory().map_err(&err)?;
    lin.set_name("InvoiceLines").map_err(&err)?;
    header(lin, &["invoice_id", "product_id", "qty", "unit_price"], &bold)?;
    let mut invoice_rows = Vec::new();
    let total_pop: u64 = products.iter().map(|p| p.popularity).sum();
    let start = end - Duration::days(DAYS - 1);
    let invoice_count = (lines as f64 / 3.5).ceil().max(1.0) as usize;
    let mut written = 0usize;
    let mut line_row = 1u32;
    let mut k = 0usize;
    while written < lines {
        // Spread over the period; invoices beyond the estimate fall on the last day.
        let day = start + Duration::days(((k as i64 * DAYS) / invoice_count as i64).min(DAYS - 1));
        let time = NaiveTime::from_hms_opt(8 + (rng.next() % 12) as u32, (rng.next() % 60) as u32, 0).expect("valid time");
        let ts = NaiveDateTime::new(day, time);
        let id = format!("F{:07}", k + 1);
        let client = if rng.chance(30) {
            None
        } else {
            // Frequent customers: a quarter of the clients get most visits.
            let c = if rng.chance(60) { rng.range(0, clients as i64 / 4) } else { rng.range(0, clients as i64 - 1) };
            Some(format!("C{:04}", c + 1))
        };
        let n_lines = (rng.range(1, 6) as usize).min(lines - written);
        let mut total = 0i64;
        let lin = book.worksheet_from_index(LINES).map_err(&err)?;
        for _ in 0..n_lines {
            let mut pick = rng.next() % total_pop;
            let p = products
                .iter()
                .find(|p| {
                    if pick < p.popularity {
                        true
                    } else {
                        pick -= p.popularity;
                        false
                    }
                })
                .expect("pick is below the total");
            let mut qty = rng.range(1, 4);
            if rng.chance(1) {
                qty = -qty; // a return
            }
            let discounted = rng.chance(5);
            let price = if discounted { p.sell_cents * 90 / 100 } else { p.sell_cents };
            total += qty * price;
            lin.write_string(line_row, 0, &id).map_err(&err)?;
            lin.write_string(line_row, 1, &p.id).map_err(&err)?;
            lin.write_number(line_row, 2, qty as f64).map_err(&err)?;
            // An empty unit price means the product's sell price.
            if discounted || rng.chance(85) {
                lin.write_number_with_format(line_row, 3, price as f64 / 100.0, &money_fmt).map_err(&err)?;
            }
            line_row += 1;
        }
        written += n_lines;
        invoice_rows.push((id, client, ts, total));
        k += 1;
    }
    let inv = book.worksheet_from_index(INVOICES).map_err(&err)?;
    for (k, (id, client, ts, total)) in invoice_rows.iter().enumerate() {
        let r = k as u32 + 1;
        inv.write_string(r, 0, id).map_err(&err)?;
        if let Some(c) = client {
            inv.write_string(r, 1, c).map_err(&err)?;
        }
        inv.write_datetime_with_format(r, 2, ts, &ts_fmt).map_err(&err)?;
        inv.write_number_with_format(r, 3, *total as f64 / 100.0, &money_fmt).map_err(&err)?;
    }
    book.save(out).map_err(&err)?;
    Ok(())
}

fn header(sheet: &mut Worksheet, names: &[&str], bold: &Format) -> Result<()> {
    for (i, n) in names.iter().enumerate() {
        sheet
            .write_string_with_format(0, i as u16, *n, bold)
            .map_err(|e| CoreError::Write { path: "workbook".into(), reason: e.to_string() })?;
    }
    Ok(())
}
