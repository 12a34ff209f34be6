//! Every sentence about the user's data, by code, in English and French.
//!
//! Problems leave the core as a code with parameters ([`Text`]); the CLI, the
//! exported workbooks and the app's screens render them in the chosen language
//! from this one catalog (the app receives it through the `messages` command).
//! Templates name their parameters `{0}`, `{1}`… in order.

use serde::Serialize;
use std::sync::atomic::{AtomicU8, Ordering};

/// A sentence not yet rendered: its code and parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Text {
    pub code: &'static str,
    pub params: Vec<String>,
}

impl Text {
    pub fn new<const N: usize>(code: &'static str, params: [String; N]) -> Text {
        debug_assert!(template(code).is_some(), "unknown message code {code}");
        Text { code, params: params.into() }
    }

    pub fn render(&self, lang: Lang) -> String {
        render(self.code, &self.params, lang)
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

/// The languages of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En = 0,
    Fr = 1,
}

impl Lang {
    /// From the `language` setting; `auto` follows the system's LANG.
    pub fn from_setting(value: &str) -> Lang {
        let system = std::env::var("LANG").unwrap_or_default();
        match value {
            "fr" => Lang::Fr,
            "auto" if system.starts_with("fr") => Lang::Fr,
            _ => Lang::En,
        }
    }
}

static UI_LANG: AtomicU8 = AtomicU8::new(0);

/// The language the app's screens are in (the desktop shell sets it from the
/// `language` setting; the CLI never does, so it speaks English).
pub fn set_ui_lang(lang: Lang) {
    UI_LANG.store(lang as u8, Ordering::Relaxed);
}

pub fn ui_lang() -> Lang {
    match UI_LANG.load(Ordering::Relaxed) {
        1 => Lang::Fr,
        _ => Lang::En,
    }
}

/// One entry of the catalog.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Template {
    pub code: &'static str,
    pub en: &'static str,
    pub fr: &'static str,
}

const fn t(code: &'static str, en: &'static str, fr: &'static str) -> Template {
    Template { code, en, fr }
}

/// The catalog. Codes are stable: scripts and the UI rely on them.
pub const CATALOG: &[Template] = &[
    // Cells (SPEC §2.3)
    t("cell_error", "the cell holds the error {0}", "la cellule contient l'erreur {0}"),
    t("not_a_number", "\u{201c}{0}\u{201d} is not a number", "\u{ab}\u{a0}{0}\u{a0}\u{bb} n'est pas un nombre"),
    t("not_finite", "the number is not finite", "le nombre n'est pas fini"),
    t("too_large", "{0} is too large", "{0} est trop grand"),
    t("bool_not_number", "a TRUE/FALSE value is not a number", "une valeur VRAI/FAUX n'est pas un nombre"),
    t("date_not_number", "a date is not a number", "une date n'est pas un nombre"),
    t("not_a_date", "\u{201c}{0}\u{201d} is not a date", "\u{ab}\u{a0}{0}\u{a0}\u{bb} n'est pas une date"),
    t("serial_not_a_date", "{0} is not a date", "{0} n'est pas une date"),
    t("bool_not_date", "a TRUE/FALSE value is not a date", "une valeur VRAI/FAUX n'est pas une date"),
    t(
        "not_a_rate",
        "{0} is not a margin rate (write 15 % as 15, 15% or 0.15)",
        "{0} n'est pas un taux de marge (écrivez 15 % sous la forme 15, 15% ou 0,15)",
    ),
    t("date_too_early", "{0} is before 1990-01-01, which cannot be right", "{0} est antérieure au 01/01/1990, ce qui ne peut pas être juste"),
    t(
        "date_too_late",
        "{0} is more than one year ahead (after {1})",
        "{0} est à plus d'un an dans le futur (après le {1})",
    ),
    t("required", "{0} is required", "{0} est obligatoire"),
    // Sheets and columns
    t(
        "ambiguous_dates",
        "every date in column {0} could be read day-first or month-first; they were read day-first (31/12/2026 style)",
        "chaque date de la colonne {0} peut se lire jour d'abord ou mois d'abord\u{a0}; elles ont été lues jour d'abord (style 31/12/2026)",
    ),
    t(
        "unknown_column",
        "the column \u{201c}{0}\u{201d} ({1}) is not one Comptoir knows; it was ignored",
        "la colonne \u{ab}\u{a0}{0}\u{a0}\u{bb} ({1}) n'est pas connue de Comptoir\u{a0}; elle a été ignorée",
    ),
    // Rules across rows (SPEC §3)
    t(
        "duplicate_product",
        "product {0} is listed twice in this import (first on {1} row {2})",
        "le produit {0} figure deux fois dans cet import (d'abord dans {1}, ligne {2})",
    ),
    t(
        "duplicate_stock",
        "stock batch {0} is listed twice in this import (first on {1} row {2})",
        "le lot de stock {0} figure deux fois dans cet import (d'abord dans {1}, ligne {2})",
    ),
    t(
        "duplicate_client",
        "client {0} is listed twice in this import (first on {1} row {2})",
        "le client {0} figure deux fois dans cet import (d'abord dans {1}, ligne {2})",
    ),
    t(
        "duplicate_invoice",
        "invoice {0} is listed twice in this import (first on {1} row {2})",
        "la facture {0} figure deux fois dans cet import (d'abord dans {1}, ligne {2})",
    ),
    t(
        "sell_below_buy",
        "the sell price {0} is below the buy price {1}",
        "le prix de vente {0} est inférieur au prix d'achat {1}",
    ),
    t(
        "stock_without_key",
        "this stock row has neither a stock_id nor a batch_no, so it cannot be told apart from the others",
        "cette ligne de stock n'a ni stock_id ni numéro de lot\u{a0}: impossible de la distinguer des autres",
    ),
    t(
        "unknown_product",
        "product {0} is neither in the Products sheet nor in the store",
        "le produit {0} n'est ni dans la feuille Produits ni dans la base",
    ),
    t(
        "unknown_client",
        "client {0} is neither in the Clients sheet nor in the store",
        "le client {0} n'est ni dans la feuille Clients ni dans la base",
    ),
    t(
        "invoice_other_client",
        "invoice {0} names another customer on an earlier row ({1})",
        "la facture {0} indique un autre client sur une ligne précédente ({1})",
    ),
    t(
        "invoice_other_client_walk_in",
        "invoice {0} names another customer on an earlier row (walk-in)",
        "la facture {0} indique un autre client sur une ligne précédente (client de passage)",
    ),
    t("line_product_required", "product_id is required on a line", "product_id est obligatoire sur une ligne"),
    t("line_qty_required", "qty is required on a line", "qty est obligatoire sur une ligne"),
    t(
        "line_invoice_missing",
        "invoice {0} is not in the Invoices sheet of this import",
        "la facture {0} n'est pas dans la feuille Factures de cet import",
    ),
    t(
        "line_no_price",
        "the line has no unit price and product {0} has no sell price",
        "la ligne n'a pas de prix unitaire et le produit {0} n'a pas de prix de vente",
    ),
    t("invoice_no_lines", "invoice {0} has no lines", "la facture {0} n'a aucune ligne"),
    t(
        "invoice_changed",
        "invoice {0} is already in the store with different content (import #{1}, {2})",
        "la facture {0} est déjà dans la base avec un autre contenu (import n°{1}, {2})",
    ),
    t(
        "total_differs",
        "the invoice total {0} differs from the sum of its lines {1}",
        "le total de la facture {0} diffère de la somme de ses lignes {1}",
    ),
    t(
        "set_aside_with_invoice",
        "set aside with its invoice, which has an error elsewhere",
        "mise de côté avec sa facture, qui a une erreur ailleurs",
    ),
    t("problems_header", "Problems", "Problèmes"),
    // Files that cannot be imported: "{file} cannot be imported: {reason}."
    t("unreadable", "{0} cannot be imported: {1}.", "{0} ne peut pas être importé\u{a0}: {1}."),
    t(
        "no_known_sheet",
        "{0} cannot be imported: no sheet looks like Products, Stock, Clients, Invoices or InvoiceLines (no header row with their required columns was found).",
        "{0} ne peut pas être importé\u{a0}: aucune feuille ne ressemble à Produits, Stock, Clients, Factures ou Lignes (aucune ligne d'en-tête avec leurs colonnes obligatoires).",
    ),
    t("not_found", "{0} was not found.", "{0} est introuvable."),
    t("symlink", "it is a shortcut (symbolic link); import the file it points to instead", "c'est un raccourci (lien symbolique)\u{a0}; importez plutôt le fichier vers lequel il pointe"),
    t(
        "not_importable_type",
        "only .xlsx, .xlsm, .xls, .xlsb, .ods, .csv, .tsv and .txt files are accepted",
        "seuls les fichiers .xlsx, .xlsm, .xls, .xlsb, .ods, .csv, .tsv et .txt sont acceptés",
    ),
    t("folder", "it is a folder, not a file", "c'est un dossier, pas un fichier"),
    t("not_regular", "it is not a regular file (a pipe or a device)", "ce n'est pas un fichier ordinaire (un tube ou un périphérique)"),
    t("empty_file", "the file is empty", "le fichier est vide"),
    t("too_big", "it is {0} MB, more than the 1,024 MB a workbook may have", "il fait {0} Mo, plus que les 1\u{a0}024 Mo permis pour un classeur"),
    t("io", "it cannot be read ({0})", "il ne peut pas être lu ({0})"),
    t(
        "password_protected",
        "it is password protected; save an unprotected copy from Excel and import that",
        "il est protégé par un mot de passe\u{a0}; enregistrez une copie non protégée depuis Excel et importez-la",
    ),
    t("not_valid_ext", "it is not a valid .{0} file (the content is not a spreadsheet)", "ce n'est pas un fichier .{0} valide (le contenu n'est pas un tableur)"),
    t("not_a_spreadsheet", "it is neither a spreadsheet nor a text table", "ce n'est ni un classeur ni un tableau texte"),
    t(
        "binary_text",
        "it contains binary data, not text separated by commas or semicolons",
        "il contient des données binaires, pas du texte séparé par des virgules ou des points-virgules",
    ),
    t("damaged", "it is damaged or not a spreadsheet ({0})", "il est endommagé ou ce n'est pas un classeur ({0})"),
    t("zip_damaged", "it is damaged: its ZIP structure cannot be read ({0})", "il est endommagé\u{a0}: sa structure ZIP est illisible ({0})"),
    t("zip_too_many_parts", "it holds {0} parts, far more than any workbook", "il contient {0} parties, bien plus que tout classeur"),
    t(
        "zip_bomb",
        "its part {0} would inflate to {1} MB from {2} KB (a ZIP bomb, not a workbook)",
        "sa partie {0} se décompresserait en {1} Mo à partir de {2} Ko (une bombe ZIP, pas un classeur)",
    ),
    t("zip_too_large", "it would inflate to {0} MB, more than any workbook", "il se décompresserait en {0} Mo, plus que tout classeur"),
    t("shared_strings_unreadable", "its shared strings cannot be read ({0})", "ses chaînes partagées sont illisibles ({0})"),
    t(
        "shared_strings_absurd",
        "it declares {0} shared strings in {1} bytes, which cannot be true (a damaged or hostile file)",
        "il déclare {0} chaînes partagées en {1} octets, ce qui est impossible (un fichier endommagé ou malveillant)",
    ),
    t("reader_start", "the reader could not start ({0})", "le lecteur n'a pas pu démarrer ({0})"),
    t("reader_lost", "the reader was lost ({0})", "le lecteur a été perdu ({0})"),
    t(
        "reader_too_long",
        "reading it took too long (more than {0} seconds of work), so it was stopped",
        "sa lecture a pris trop de temps (plus de {0} secondes de travail)\u{a0}: elle a été arrêtée",
    ),
    t(
        "reader_died",
        "it is too large or too damaged to read safely (reading it would need more than {0} MB, or it is malformed); save it again from the spreadsheet program, or as .csv, and import that",
        "il est trop gros ou trop endommagé pour être lu sans risque (sa lecture demanderait plus de {0} Mo, ou il est mal formé)\u{a0}; enregistrez-le de nouveau depuis le tableur, ou en .csv, et importez ce fichier",
    ),
    t("sheets_unlisted", "its sheets cannot be listed", "ses feuilles ne peuvent pas être listées"),
    t("sheet_unreadable", "sheet {0} cannot be read ({1})", "la feuille {0} est illisible ({1})"),
    t("sheet_damaged", "sheet {0} is damaged ({1})", "la feuille {0} est endommagée ({1})"),
    t("row_too_large", "row {0} holds more than {1} MB, which no table row does", "la ligne {0} contient plus de {1} Mo, ce qu'aucune ligne de tableau ne fait"),
    t("line_too_long", "line {0} is longer than 1 MB, so this is not a table", "la ligne {0} dépasse 1 Mo\u{a0}: ce n'est pas un tableau"),
    t("line_unreadable", "line {0} cannot be read ({1})", "la ligne {0} est illisible ({1})"),
    t("reader_message", "{0}", "{0}"),
    // Words on screens, charts and exports: reasons, tiers, series
    t("label_expired", "Expired", "Périmé"),
    t("label_expiring", "Expiring", "Expire bientôt"),
    t("label_no_movement", "Not moving", "Sans mouvement"),
    t("label_margin_below_threshold", "Margin below its minimum", "Marge sous son minimum"),
    t("label_negative_profit", "Sold at a loss", "Vendu à perte"),
    t("label_Gold", "Gold", "Or"),
    t("label_Silver", "Silver", "Argent"),
    t("label_Standard", "Standard", "Standard"),
    t("label_no_category", "(no category)", "(sans catégorie)"),
    t("label_revenue", "Revenue", "Chiffre d'affaires"),
    t("label_profit", "Profit", "Bénéfice"),
    // The watch folder
    t("watch_imported", "{0} was imported as import #{1}.", "{0} a été importé (import n°{1})."),
    t("watch_already_imported", "{0} was already imported (import #{1}).", "{0} a déjà été importé (import n°{1})."),
    t(
        "watch_already_refused",
        "{0} was already refused; it is not tried again until it changes.",
        "{0} a déjà été refusé\u{a0}; il ne sera retenté que s'il change.",
    ),
    t(
        "watch_nothing_new",
        "{0} changes nothing: everything in it is already in the store.",
        "{0} ne change rien\u{a0}: tout son contenu est déjà dans la base.",
    ),
    t(
        "watch_not_imported",
        "{0} was not imported: {1} error(s) must be fixed first.",
        "{0} n'a pas été importé\u{a0}: {1} erreur(s) à corriger d'abord.",
    ),
    t("no_row_rejected", "No row was rejected.", "Aucune ligne n'a été rejetée."),
    // The mapping step (SPEC §2.2): layouts and fields by their names on screen
    t("layout_sales", "Sales export (one row per item sold)", "Export de ventes (une ligne par article vendu)"),
    t("layout_products", "Products", "Produits"),
    t("layout_stock", "Stock batches", "Lots en stock"),
    t("layout_clients", "Clients", "Clients"),
    t("layout_invoices", "Invoices (one row per invoice)", "Factures (une ligne par facture)"),
    t("layout_invoice_lines", "Invoice lines (of invoices already imported)", "Lignes de factures (de factures déjà importées)"),
    t("field_product_id", "Product code", "Code article"),
    t("field_name", "Name", "Nom"),
    t("field_category", "Category", "Catégorie"),
    t("field_buy_price", "Buy price", "Prix d'achat"),
    t("field_sell_price", "Sell price", "Prix de vente"),
    t("field_min_margin_threshold", "Minimum margin", "Marge minimale"),
    t("field_stock_id", "Stock line ID", "Identifiant de la ligne de stock"),
    t("field_quantity", "Quantity in stock", "Quantité en stock"),
    t("field_batch_no", "Batch number", "Numéro de lot"),
    t("field_expiry_date", "Expiry date", "Date de péremption"),
    t("field_last_movement", "Last movement", "Dernier mouvement"),
    t("field_client_id", "Client code", "Code client"),
    t("field_total_revenue_generated", "Revenue before Comptoir", "Chiffre d'affaires antérieur"),
    t("field_loyalty_tier", "Loyalty tier", "Niveau de fidélité"),
    t("field_invoice_id", "Invoice number", "Numéro de facture"),
    t("field_timestamp", "Date (and time)", "Date (et heure)"),
    t("field_total_amount", "Invoice total", "Total de la facture"),
    t("field_qty", "Quantity sold", "Quantité vendue"),
    t("field_unit_price", "Unit price", "Prix unitaire"),
    t("field_description", "Product description", "Désignation de l'article"),
    t("field_country", "Country", "Pays"),
    t("mapping_unknown_layout", "\u{201c}{0}\u{201d} is not a kind of sheet; choose one of: {1}.", "\u{ab}\u{a0}{0}\u{a0}\u{bb} n'est pas un type de feuille\u{a0}; choisissez parmi\u{a0}: {1}."),
    t(
        "mapping_not_in_header",
        "The column \u{201c}{0}\u{201d} is not in the header row ({1}).",
        "La colonne \u{ab}\u{a0}{0}\u{a0}\u{bb} n'est pas dans la ligne d'en-tête ({1}).",
    ),
    t(
        "mapping_not_a_field",
        "\u{201c}{0}\u{201d} is not a field of {1}; its fields are {2}.",
        "\u{ab}\u{a0}{0}\u{a0}\u{bb} n'est pas un champ de {1}\u{a0}; ses champs sont {2}.",
    ),
    t(
        "mapping_twice",
        "Both \u{201c}{0}\u{201d} and \u{201c}{1}\u{201d} are read as {2}; keep one.",
        "\u{ab}\u{a0}{0}\u{a0}\u{bb} et \u{ab}\u{a0}{1}\u{a0}\u{bb} sont tous deux lus comme {2}\u{a0}; gardez-en un.",
    ),
    t(
        "mapping_needs",
        "{0} needs a column for {1}: choose which column holds it.",
        "{0} demande une colonne pour {1}\u{a0}: choisissez celle qui le contient.",
    ),
    t(
        "mapping_none",
        "No mapping is remembered for the header \u{201c}{0}\u{201d}.",
        "Aucune correspondance n'est mémorisée pour l'en-tête \u{ab}\u{a0}{0}\u{a0}\u{bb}.",
    ),
    t("mapping_stale", "These files are no longer waiting to be imported; choose them again.", "Ces fichiers n'attendent plus d'être importés\u{a0}; choisissez-les de nouveau."),
    // Roles, the store, history and exports (what the app's screens may show)
    t("role_first", "Choose a role first (Accountant or Administrator).", "Choisissez d'abord un rôle (Comptable ou Administrateur)."),
    t(
        "admin_only",
        "Only the administrator can do this; switch role to Administrator.",
        "Seul l'administrateur peut le faire\u{a0}; passez au rôle Administrateur.",
    ),
    t("passphrase_wrong", "That is not the administrator's passphrase.", "Ce n'est pas la phrase secrète de l'administrateur."),
    t(
        "passphrase_current_wrong",
        "The current passphrase is not the right one; nothing was changed.",
        "La phrase secrète actuelle n'est pas la bonne\u{a0}; rien n'a été changé.",
    ),
    t(
        "passphrase_wait_one",
        "Too many wrong passphrases: wait {0} second before trying again.",
        "Trop de phrases secrètes erronées\u{a0}: attendez {0} seconde avant de réessayer.",
    ),
    t(
        "passphrase_wait",
        "Too many wrong passphrases: wait {0} seconds before trying again.",
        "Trop de phrases secrètes erronées\u{a0}: attendez {0} secondes avant de réessayer.",
    ),
    t("passphrase_short", "The passphrase must have at least 6 characters.", "La phrase secrète doit compter au moins 6 caractères."),
    t("lines_too_many", "{0} lines do not fit in one Excel sheet: choose a shorter period or a product, client or category.", "{0}\u{a0}lignes ne tiennent pas dans une feuille Excel\u{a0}: choisissez une période plus courte, ou un produit, un client ou une catégorie."),
    t("lines_page_size", "A page holds 1 to {0} lines.", "Une page contient de 1 à {0}\u{a0}lignes."),
    t("nothing_to_export", "There is nothing to export yet: import a workbook first.", "Il n'y a rien à exporter pour l'instant\u{a0}: importez d'abord un classeur."),
    t("no_such_chart", "There is no chart \u{201c}{0}\u{201d}.", "Il n'y a pas de graphique \u{ab}\u{a0}{0}\u{a0}\u{bb}."),
    t("chart_empty", "This chart is empty; there is nothing to save.", "Ce graphique est vide\u{a0}; il n'y a rien à enregistrer."),
    t("no_such_import", "There is no import #{0}.", "Il n'y a pas d'import n°{0}."),
    t("import_already_undone", "Import #{0} was already undone.", "L'import n°{0} a déjà été annulé."),
    t(
        "undo_later_first",
        "Import #{0} cannot be undone before the later import #{1}; undo that one first.",
        "L'import n°{0} ne peut pas être annulé avant l'import plus récent n°{1}\u{a0}; annulez d'abord celui-là.",
    ),
    t("watch_not_folder", "{0} is not a folder.", "{0} n'est pas un dossier."),
    t("watch_failed", "{0} cannot be watched ({1}).", "{0} ne peut pas être surveillé ({1})."),
    t("store_open", "The store at {0} cannot be opened: {1}.", "La base {0} ne peut pas être ouverte\u{a0}: {1}."),
    t(
        "store_damaged",
        "The store at {0} cannot be opened: {1}. Nothing has been changed or deleted; {2}",
        "La base {0} ne peut pas être ouverte\u{a0}: {1}. Rien n'a été modifié ni supprimé\u{a0}; {2}",
    ),
    t(
        "store_damaged_lake",
        "it can be rebuilt from the lake at {0}, keeping the damaged file aside.",
        "elle peut être reconstruite à partir du lac {0}, en gardant le fichier endommagé de côté.",
    ),
    t(
        "store_damaged_no_lake",
        "no lake was found beside it to rebuild it from; restore it from a copy or an exported lake.",
        "aucun lac n'a été trouvé à côté pour la reconstruire\u{a0}; restaurez-la depuis une copie ou un lac exporté.",
    ),
    t("store_error", "The store reported an error: {0}.", "La base a signalé une erreur\u{a0}: {0}."),
    t("write_failed", "Could not write {0}: {1}.", "Impossible d'écrire {0}\u{a0}: {1}."),
    t("internal", "Comptoir hit an unexpected problem: {0}.", "Comptoir a rencontré un problème inattendu\u{a0}: {0}."),
    t("chart_format", "A chart is saved as svg, or as png with the picture's bytes.", "Un graphique s'enregistre en svg, ou en png avec les octets de l'image."),
    // Native dialogs' titles
    t("dialog_choose_files", "Choose workbooks to import", "Choisir les classeurs à importer"),
    t("dialog_workbooks", "Workbooks and CSV", "Classeurs et CSV"),
    t("dialog_save_problems", "Save the problems as Excel", "Enregistrer les problèmes au format Excel"),
    t("dialog_export_dashboard", "Export the dashboard to Excel", "Exporter le tableau de bord vers Excel"),
    t("dialog_export_lines", "Export these lines to Excel", "Exporter ces lignes vers Excel"),
    t("dialog_export_order", "Export the order list to Excel", "Exporter le bon de commande vers Excel"),
    t("dialog_export_promo", "Export the promotion-eligible clients", "Exporter les clients éligibles à la promotion"),
    t("dialog_save_chart", "Save the chart", "Enregistrer le graphique"),
    t("dialog_watch_folder", "Choose the folder to watch", "Choisir le dossier à surveiller"),
    // Settings (`settings::set`): {0} is the setting as the settings screen names it, {1} what was typed.
    t("setting_unknown", "There is no setting \u{201c}{0}\u{201d}.", "Il n'y a pas de réglage \u{ab}\u{a0}{0}\u{a0}\u{bb}."),
    t(
        "setting_date",
        "{0}: choose a date, or \u{201c}latest\u{201d} for the date of the latest invoice, not \u{201c}{1}\u{201d}.",
        "{0}\u{a0}: choisissez une date, ou \u{ab}\u{a0}latest\u{a0}\u{bb} pour la date de la dernière facture, pas \u{ab}\u{a0}{1}\u{a0}\u{bb}.",
    ),
    t(
        "setting_amount",
        "{0}: type an amount of at least 0, such as 5 000 or 5000 €, not \u{201c}{1}\u{201d}.",
        "{0}\u{a0}: tapez un montant positif ou nul, comme 5\u{a0}000 ou 5000\u{a0}€, pas \u{ab}\u{a0}{1}\u{a0}\u{bb}.",
    ),
    t(
        "setting_margin",
        "{0}: type a percentage above -100 % and below 100 %, such as 15 % (or a rate such as 0.15), not \u{201c}{1}\u{201d}.",
        "{0}\u{a0}: tapez un pourcentage entre -100\u{a0}% et 100\u{a0}% (exclus), comme 15\u{a0}% (ou un taux comme 0,15), pas \u{ab}\u{a0}{1}\u{a0}\u{bb}.",
    ),
    t(
        "setting_days",
        "{0}: type a whole number of days from 0 to 3650, not \u{201c}{1}\u{201d}.",
        "{0}\u{a0}: tapez un nombre entier de jours entre 0 et 3650, pas \u{ab}\u{a0}{1}\u{a0}\u{bb}.",
    ),
    t(
        "setting_currency",
        "{0}: type a symbol of at most 8 characters, such as € or CHF, not \u{201c}{1}\u{201d}.",
        "{0}\u{a0}: tapez un symbole de 8 caractères au plus, comme € ou CHF, pas \u{ab}\u{a0}{1}\u{a0}\u{bb}.",
    ),
    t(
        "setting_folder",
        "{0}: choose an existing folder (or leave it empty for none); \u{201c}{1}\u{201d} is not one.",
        "{0}\u{a0}: choisissez un dossier existant (ou laissez vide pour aucun)\u{a0}; \u{ab}\u{a0}{1}\u{a0}\u{bb} n'en est pas un.",
    ),
    t(
        "setting_number",
        "{0}: type a number of at least 0, such as 1.5, not \u{201c}{1}\u{201d}.",
        "{0}\u{a0}: tapez un nombre positif ou nul, comme 1,5, pas \u{ab}\u{a0}{1}\u{a0}\u{bb}.",
    ),
    t(
        "setting_markdown",
        "{0}: type a percentage from 5 % to 95 %, such as 50 % (or a rate such as 0.5), not \u{201c}{1}\u{201d}.",
        "{0}\u{a0}: tapez un pourcentage entre 5\u{a0}% et 95\u{a0}%, comme 50\u{a0}% (ou un taux comme 0,5), pas \u{ab}\u{a0}{1}\u{a0}\u{bb}.",
    ),
    t(
        "setting_elasticity",
        "{0}: type a number from 0.3 to 5, such as 1.5, not \u{201c}{1}\u{201d}.",
        "{0}\u{a0}: tapez un nombre entre 0,3 et 5, comme 1,5, pas \u{ab}\u{a0}{1}\u{a0}\u{bb}.",
    ),
    t("setting_choice", "{0}: \u{201c}{1}\u{201d} is not one of the choices.", "{0}\u{a0}: \u{ab}\u{a0}{1}\u{a0}\u{bb} ne fait pas partie des choix."),
    // The settings as the settings screen names them (ui/src/i18n.ts `setting.*`).
    t("setting_label_expiring_days", "Expiring soon (days)", "Bientôt périmé (jours)"),
    t("setting_label_no_movement_days", "Not moving after (days)", "Immobile après (jours)"),
    t("setting_label_silver_min", "Silver tier from", "Niveau Argent à partir de"),
    t("setting_label_gold_min", "Gold tier from", "Niveau Or à partir de"),
    t("setting_label_promo_threshold", "Promotion above", "Promotion au-dessus de"),
    t("setting_label_min_margin", "Default minimum margin", "Marge minimale par défaut"),
    t("setting_label_as_of", "As-of date", "Date de référence"),
    t("setting_label_currency", "Currency", "Devise"),
    t("setting_label_watch_folder", "Watched folder", "Dossier surveillé"),
    t("setting_label_language", "Language", "Langue"),
    t("setting_label_theme", "Theme", "Thème"),
    t("setting_label_lead_time_days", "Delivery lead time (days)", "Délai de livraison (jours)"),
    t("setting_label_safety_days", "Safety stock (days)", "Stock de sécurité (jours)"),
    t("setting_label_target_cover_days", "Order enough for (days)", "Commander pour (jours)"),
    t("setting_label_max_markdown", "Largest markdown", "Démarque maximale"),
    t("setting_label_default_elasticity", "Default price elasticity", "Élasticité-prix par défaut"),
    // Saved charts (`charts::export_caption`): the titles and units the dashboard shows.
    t("label_chart_winners", "Profit of the top 10 products", "Bénéfice des 10 meilleurs produits"),
    t("label_chart_winners_by_revenue", "Revenue of the top 10 products", "Chiffre d'affaires des 10 meilleurs produits"),
    t("label_chart_revenue_profit", "Revenue and profit by day", "Chiffre d'affaires et bénéfice par jour"),
    t("label_chart_loss_risk", "Value at risk by reason", "Valeur à risque par motif"),
    t("label_chart_tiers", "Clients by loyalty tier", "Clients par niveau de fidélité"),
    t("label_chart_categories", "Revenue by category", "Chiffre d'affaires par catégorie"),
    t("chart_period", "{0} – {1} · in {2}", "du {0} au {1} · en {2}"),
    t("chart_at", "on {0} · in {1}", "au {0} · en {1}"),
    t("label_chart_unit_clients", "number of clients", "nombre de clients"),
    // Markdowns and replenishment (SPEC §4.1): sheets and columns of the exports, where the elasticity comes from.
    t("label_sheet_markdowns", "Markdowns", "Démarques"),
    t("label_sheet_replenishment", "Replenishment", "Réapprovisionnement"),
    t("label_sheet_order_list", "Order list", "Bon de commande"),
    t("label_col_batch", "Batch", "Lot"),
    t("label_col_product", "Product", "Produit"),
    t("label_col_name", "Name", "Nom"),
    t("label_col_quantity", "Quantity", "Quantité"),
    t("label_col_days_left", "Days left", "Jours restants"),
    t("label_col_elasticity", "Price elasticity", "Élasticité-prix"),
    t("label_col_elasticity_source", "Elasticity from", "Élasticité tirée de"),
    t("label_col_discount", "Discount", "Remise"),
    t("label_col_price", "Price", "Prix"),
    t("label_col_suggested_price", "Suggested price", "Prix conseillé"),
    t("label_col_units_expected", "Units expected to sell", "Unités qui devraient se vendre"),
    t("label_col_money_recovered", "Money recovered", "Argent récupéré"),
    t("label_col_money_lost_without", "Lost without a markdown", "Perdu sans démarque"),
    t("label_col_clears", "Sells out before expiry", "Écoulé avant péremption"),
    t("label_col_sold_30", "Sold in 30 days", "Vendu en 30 jours"),
    t("label_col_daily_rate", "Sold per day", "Ventes par jour"),
    t("label_col_on_hand", "On hand", "En stock"),
    t("label_col_days_of_cover", "Days of cover", "Jours de couverture"),
    t("label_col_stock_out", "Stock-out date", "Date de rupture"),
    t("label_col_reorder", "Reorder", "À commander"),
    t("label_col_suggested_quantity", "Suggested quantity", "Quantité conseillée"),
    t("label_col_quantity_to_order", "Quantity to order", "Quantité à commander"),
    t("label_col_buy_price", "Buy price", "Prix d'achat"),
    t("label_col_order_value", "Order value", "Montant de la commande"),
    t("label_yes", "yes", "oui"),
    t("label_no", "no", "non"),
    t("label_cannot_clear", "Cannot clear at the maximum discount", "Impossible à écouler même à la remise maximale"),
    t("label_elasticity_product", "Its own sales", "Ses propres ventes"),
    t("label_elasticity_category", "Its category's sales", "Les ventes de sa catégorie"),
    t("label_elasticity_default", "The default setting", "Le réglage par défaut"),
];

/// A word of the data (a reason, a tier, a series) in `lang`; an unknown one as itself.
pub fn label(key: &str, lang: Lang) -> String {
    match template(&format!("label_{key}")) {
        Some(t) => match lang {
            Lang::En => t.en,
            Lang::Fr => t.fr,
        }
        .to_string(),
        None => key.to_string(),
    }
}

/// The sentence of a refused setting, naming it by the label the settings screen shows.
pub fn setting_refusal(key: &str, code: &str, value: &str, lang: Lang) -> String {
    let name = match template(&format!("setting_label_{key}")) {
        Some(t) => match lang {
            Lang::En => t.en,
            Lang::Fr => t.fr,
        }
        .to_string(),
        None => key.to_string(),
    };
    render(code, &[name, value.to_string()], lang)
}

pub fn template(code: &str) -> Option<&'static Template> {
    CATALOG.iter().find(|t| t.code == code)
}

/// Renders `code` with `params` in `lang`; an unknown code shows as itself
/// with its parameters (never an empty sentence).
pub fn render(code: &str, params: &[String], lang: Lang) -> String {
    let Some(t) = template(code) else { return format!("{code} {}", params.join(" ")).trim_end().to_string() };
    let template = match lang {
        Lang::En => t.en,
        Lang::Fr => t.fr,
    };
    // One pass: a parameter's own text is never read as a placeholder.
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').and_then(|close| Some((close, after[..close].parse::<usize>().ok()?))) {
            Some((close, i)) => {
                out.push_str(params.get(i).map(String::as_str).unwrap_or(""));
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_render_in_both_languages() {
        let t = Text::new("unknown_product", ["T11".into()]);
        assert_eq!(t.render(Lang::En), "product T11 is neither in the Products sheet nor in the store");
        assert_eq!(t.render(Lang::Fr), "le produit T11 n'est ni dans la feuille Produits ni dans la base");
        assert_eq!(t.to_string(), t.render(Lang::En));
    }

    #[test]
    fn every_code_is_unique_and_both_languages_use_the_same_parameters() {
        for (i, a) in CATALOG.iter().enumerate() {
            assert!(CATALOG[i + 1..].iter().all(|b| b.code != a.code), "{} twice", a.code);
            for n in 0..4 {
                let p = format!("{{{n}}}");
                assert_eq!(a.en.contains(&p), a.fr.contains(&p), "{}: {p}", a.code);
            }
            // Words that French spells the same are the exceptions.
            assert!(a.en != a.fr || ["{0}", "Standard", "Clients"].contains(&a.en), "{} is not translated", a.code);
        }
    }

    #[test]
    fn a_parameter_holding_braces_is_not_rendered_again() {
        let t = Text::new("invoice_changed", ["F{1}".into(), "3".into(), "b{0}.xlsx".into()]);
        assert_eq!(t.render(Lang::En), "invoice F{1} is already in the store with different content (import #3, b{0}.xlsx)");
    }
}
