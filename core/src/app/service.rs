//! The operations the desktop shell exposes, as plain Rust over one store.
//! The shell only translates these to commands and events. Role checks live
//! here: the accountant imports; the administrator also reads the dashboard,
//! exports it and changes thresholds.

use crate::analytics::charts::{self, Lang};
use crate::analytics::lines::{LineFilter, LinesPage, PageRequest};
use crate::analytics::{self, Period, Report};
use crate::error::display_name;
use crate::error::{CoreError, Result};
use crate::import::history::{self, ImportRecord};
use crate::import::layout::{self, Layout, SheetKind};
use crate::import::mappings;
use crate::import::{self, ImportOptions, ImportReport, Outcome, Phase, Progress};
use crate::store::catalog;
use crate::store::Store;
use crate::store::PASSPHRASE_KEY;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::NaiveDate;
use duckdb::params;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Accountant,
    Admin,
}

pub struct Service {
    store: Mutex<Store>,
    /// Bumped after every import or undo that changed the store; screens compare it.
    generation: AtomicU64,
    /// Dashboards of the standard periods, recomputed after each import so the
    /// screens read them instantly; each carries the generation it was built at.
    ready: Mutex<HashMap<String, Dashboard>>,
    /// The last dashboard shown, whose charts `chart_svg` saves.
    shown: Mutex<Option<Dashboard>>,
    role: Mutex<Option<Role>>,
    /// Wrong passphrases so far, and when the next attempt may be checked.
    throttle: Mutex<Throttle>,
    /// Files chosen or dropped, held here between their preview and the decision.
    pending: Mutex<HashMap<u64, Vec<PathBuf>>>,
    next_token: AtomicU64,
    /// The desktop keeps the opening period's dashboard computed after each
    /// change, and writes an import's lake batch once the window has its
    /// figures (`write_lake`); the terminal asks for what it prints, when it
    /// prints it, and writes the batch before it answers.
    keep_ready: bool,
}

/// The period kept ready after each import: the one the dashboard opens on
/// (the others are computed when asked, ~150 ms each).
const READY_PERIODS: [Period; 1] = [Period::Month];
/// The longest wait imposed after wrong passphrases.
const MAX_THROTTLE: Duration = Duration::from_secs(60);

/// Wrong passphrases, counted for the whole process (the role screen and the
/// settings form guess the same secret). The first two mistakes cost nothing,
/// then each one doubles the wait before the next check: 1, 2, 4 … 60 s.
#[derive(Debug, Default)]
struct Throttle {
    failures: u32,
    not_before: Option<Instant>,
}

impl Throttle {
    /// The wait imposed after the `failures`-th wrong passphrase in a row.
    fn delay_after(failures: u32) -> Duration {
        match failures {
            0..=2 => Duration::ZERO,
            n => Duration::from_secs(1u64 << (n - 3).min(6)).min(MAX_THROTTLE),
        }
    }

    /// Refuses an attempt made before the wait of the last failure is over.
    fn check(&self, now: Instant) -> Result<()> {
        match self.not_before {
            Some(t) if now < t => {
                let wait = (t - now).as_secs_f64().ceil().max(1.0) as u64;
                Err(CoreError::forbidden(if wait == 1 { "passphrase_wait_one" } else { "passphrase_wait" }, [wait.to_string()]))
            }
            _ => Ok(()),
        }
    }

    fn failed(&mut self, now: Instant) {
        self.failures = self.failures.saturating_add(1);
        self.not_before = Some(now + Self::delay_after(self.failures));
    }

    fn succeeded(&mut self) {
        *self = Throttle::default();
    }
}
/// Settings any role may change; the others are the administrator's.
/// Rows read under an unknown header to guess its columns from their values.
const MAPPING_SAMPLE_ROWS: usize = 20;

#[derive(Debug, Clone, Serialize)]
pub struct AppInfo {
    pub version: String,
    pub db_path: String,
    pub has_data: bool,
    pub role: Option<Role>,
    pub has_passphrase: bool,
    /// Milliseconds since this process started.
    pub started_ms: u64,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Charts {
    pub winners: String,
    pub revenue_profit: String,
    pub loss_risk: String,
    pub tiers: String,
    pub categories: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub generation: u64,
    pub refreshed_at: String,
    pub report: Option<Report>,
    pub charts: Charts,
    pub currency: String,
}

/// A sheet none of whose columns were recognised, for the mapping step: its
/// header, a few rows under it, every layout it may be, and a first guess.
#[derive(Debug, Clone, Serialize)]
pub struct UnrecognisedSheet {
    pub file: String,
    pub sheet: String,
    /// 1-based.
    pub row: u32,
    pub headers: Vec<String>,
    /// Up to three rows under the header, aligned with `headers`.
    pub samples: Vec<Vec<String>>,
    pub layouts: Vec<LayoutChoice>,
    pub suggestion: MappingChoice,
}

/// A layout as the mapping step offers it, named in the user's language.
#[derive(Debug, Clone, Serialize)]
pub struct LayoutChoice {
    pub id: &'static str,
    pub label: String,
    pub fields: Vec<FieldChoice>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldChoice {
    pub name: &'static str,
    pub label: String,
    pub required: bool,
}

/// A reading of a header row: a layout id and, per header in order, a field or none.
#[derive(Debug, Clone, Serialize)]
pub struct MappingChoice {
    pub layout: &'static str,
    pub columns: Vec<Option<&'static str>>,
}

/// A remembered mapping, for the screen that reviews, edits and forgets them.
#[derive(Debug, Clone, Serialize)]
pub struct MappingView {
    pub signature: String,
    pub headers: Vec<String>,
    pub choice: MappingChoice,
    pub layout_label: String,
    pub saved_at: String,
}

/// The remembered mappings and the layouts they may be changed to.
#[derive(Debug, Clone, Serialize)]
pub struct Mappings {
    pub layouts: Vec<LayoutChoice>,
    pub saved: Vec<MappingView>,
}

fn layout_choices(lang: Lang) -> Vec<LayoutChoice> {
    Layout::ALL
        .into_iter()
        .map(|l| LayoutChoice {
            id: l.id(),
            label: mappings::layout_label(l, lang),
            fields: l
                .fields()
                .into_iter()
                .map(|(name, required)| FieldChoice { name, label: mappings::field_label(name, lang), required })
                .collect(),
        })
        .collect()
}

fn parse_layout(id: &str) -> Result<Layout> {
    Layout::parse(id).ok_or_else(|| {
        let ids: Vec<&str> = Layout::ALL.iter().map(|l| l.id()).collect();
        CoreError::invalid("mapping_unknown_layout", [id.to_string(), ids.join(", ")])
    })
}

/// The user's columns as `mappings::save` takes them: `-` for an ignored one.
fn chosen_pairs(columns: &[(String, Option<String>)]) -> Vec<(String, String)> {
    columns.iter().map(|(h, f)| (h.clone(), f.clone().unwrap_or_else(|| "-".into()))).collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub token: u64,
    pub files: Vec<String>,
    pub report: Option<ImportReport>,
    pub unrecognised: Option<UnrecognisedSheet>,
}

/// What the watch folder did with one file.
#[derive(Debug, Clone, Serialize)]
pub struct WatchOutcome {
    pub file: String,
    pub imported: bool,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Setting {
    pub key: String,
    pub value: String,
    /// How the screen shows and takes it (from the catalog).
    pub kind: catalog::Kind,
    pub choices: &'static [&'static str],
    /// Any role may change it.
    pub personal: bool,
}

impl Service {
    /// The desktop app's service: nothing is allowed until a role is chosen.
    pub fn open(path: &Path) -> Result<Service> {
        Self::open_with(path, true)
    }

    /// The terminal's service (`comptoir`): who can open the store's file owns
    /// it, so it works with the administrator's rights, as the owner at the shop.
    pub fn open_for_terminal(path: &Path) -> Result<Service> {
        let service = Self::open_with(path, false)?;
        *Self::lock(&service.role) = Some(Role::Admin);
        Ok(service)
    }

    fn open_with(path: &Path, keep_ready: bool) -> Result<Service> {
        let store = Store::open(path)?;
        // Sentences leave the core in the language the screens are in.
        crate::messages::set_ui_lang(Lang::from_setting(&crate::store::settings::get(&store, "language")?));
        if let Err(e) = crate::store::lake::write_pending(&store) {
            tracing::warn!("the lake could not be brought up to date (it will be retried): {e}");
        }
        Ok(Service {
            keep_ready,
            store: Mutex::new(store),
            generation: AtomicU64::new(1),
            ready: Mutex::new(HashMap::new()),
            shown: Mutex::new(None),
            role: Mutex::new(None),
            throttle: Mutex::new(Throttle::default()),
            pending: Mutex::new(HashMap::new()),
            next_token: AtomicU64::new(1),
        })
    }

    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        // A panic while holding the lock cannot leave the store half-written
        // (DuckDB transactions), so a poisoned lock is safe to reuse.
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
        m.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn info(&self) -> Result<AppInfo> {
        let store = self.store();
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            db_path: store.path().display().to_string(),
            has_data: store.has_data()?,
            role: *Self::lock(&self.role),
            has_passphrase: passphrase_hash(&store)?.is_some(),
            started_ms: process_age_ms(),
        })
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    // ── Roles ──────────────────────────────────────────────────────────────

    /// Picks the role; the administrator's needs the passphrase when one is set.
    pub fn choose_role(&self, role: Role, passphrase: Option<&str>) -> Result<Role> {
        self.choose_role_at(role, passphrase, Instant::now())
    }

    fn choose_role_at(&self, role: Role, passphrase: Option<&str>, now: Instant) -> Result<Role> {
        if role == Role::Admin {
            self.verify_passphrase(passphrase, now)?;
        }
        *Self::lock(&self.role) = Some(role);
        Ok(role)
    }

    /// Leaves the current role: until the next choice, nothing but the role
    /// screen's calls is allowed (the shell calls it on "Switch role" and on
    /// every page load).
    pub fn leave_role(&self) {
        *Self::lock(&self.role) = None;
    }

    /// Checks `given` against the stored hash (anything passes when there is
    /// none). A wrong one is counted, and attempts come no faster than the
    /// throttle allows, so guessing costs time.
    fn verify_passphrase(&self, given: Option<&str>, now: Instant) -> Result<()> {
        let Some(hash) = passphrase_hash(&self.store())? else { return Ok(()) };
        Self::lock(&self.throttle).check(now)?;
        let parsed = PasswordHash::new(&hash).map_err(|e| CoreError::Store(format!("the stored passphrase is damaged ({e})")))?;
        if Argon2::default().verify_password(given.unwrap_or("").as_bytes(), &parsed).is_err() {
            Self::lock(&self.throttle).failed(now);
            return Err(CoreError::forbidden("passphrase_wrong", []));
        }
        Self::lock(&self.throttle).succeeded();
        Ok(())
    }

    fn require_role(&self) -> Result<Role> {
        Self::lock(&self.role).ok_or_else(|| CoreError::forbidden("role_first", []))
    }

    fn require_admin(&self) -> Result<()> {
        match self.require_role()? {
            Role::Admin => Ok(()),
            Role::Accountant => Err(CoreError::forbidden("admin_only", [])),
        }
    }

    /// Sets (or with None removes) the administrator's passphrase, stored as an
    /// argon2 hash. When one is set, `current` must be it: an open
    /// administrator session alone cannot change or remove it.
    pub fn set_passphrase(&self, current: Option<&str>, next: Option<&str>) -> Result<()> {
        self.set_passphrase_at(current, next, Instant::now())
    }

    fn set_passphrase_at(&self, current: Option<&str>, next: Option<&str>, now: Instant) -> Result<()> {
        self.require_admin()?;
        if matches!(next, Some(p) if p.chars().count() < 6) {
            return Err(CoreError::invalid("passphrase_short", []));
        }
        self.verify_passphrase(current, now).map_err(|e| match e {
            CoreError::Forbidden(t) if t.code == "passphrase_wrong" => CoreError::forbidden("passphrase_current_wrong", []),
            other => other,
        })?;
        let hash = match next {
            None => None,
            Some(p) => Some(
                Argon2::default()
                    .hash_password(p.as_bytes(), &SaltString::generate(&mut OsRng))
                    .map_err(|e| CoreError::Store(format!("the passphrase could not be hashed ({e})")))?
                    .to_string(),
            ),
        };
        crate::store::settings::put(&self.store(), PASSPHRASE_KEY, hash.as_deref())?;
        self.after_commit(Committed::Settings, &mut |_| {})
    }

    // ── Import: preview, mapping, decision ─────────────────────────────────

    /// Holds `paths` under a new token and dry-runs them.
    pub fn preview(&self, paths: Vec<PathBuf>) -> Result<Preview> {
        self.require_role()?;
        let token = self.next_token.fetch_add(1, Ordering::SeqCst);
        Self::lock(&self.pending).insert(token, paths);
        self.preview_token(token)
    }

    fn pending_paths(&self, token: u64) -> Result<Vec<PathBuf>> {
        Self::lock(&self.pending).get(&token).cloned().ok_or_else(|| CoreError::invalid("mapping_stale", []))
    }

    fn preview_token(&self, token: u64) -> Result<Preview> {
        let paths = self.pending_paths(token)?;
        let files = paths.iter().map(|p| display_name(p)).collect();
        let options = ImportOptions { dry_run: true, ..ImportOptions::default() };
        // Read before the match: its scrutinee holds the store's lock to the end.
        let lang = self.language()?;
        match import::import_files(&self.store(), &paths, &options, &mut |_| {}) {
            Ok(mut report) => {
                report.localize(lang);
                Ok(Preview { token, files, report: Some(report), unrecognised: None })
            }
            Err(CoreError::NoKnownSheet { file }) => {
                let path = paths.iter().find(|p| display_name(p) == file).cloned().unwrap_or_default();
                let header = mappings::read_header_row(&path, None, None, MAPPING_SAMPLE_ROWS)?;
                let guess = crate::import::suggest::suggest(&header.cells, &header.samples);
                let aligned = |row: &[(u32, String)]| -> Vec<String> {
                    header
                        .cells
                        .iter()
                        .map(|(col, _)| row.iter().find(|(c, _)| c == col).map(|(_, t)| t.clone()).unwrap_or_default())
                        .collect()
                };
                let unrecognised = UnrecognisedSheet {
                    file,
                    sheet: header.sheet.clone(),
                    row: header.index + 1,
                    headers: header.cells.iter().map(|(_, t)| t.clone()).collect(),
                    samples: header.samples.iter().take(3).map(|r| aligned(r)).collect(),
                    layouts: layout_choices(lang),
                    suggestion: MappingChoice { layout: guess.layout.id(), columns: guess.columns },
                };
                Ok(Preview { token, files, report: None, unrecognised: Some(unrecognised) })
            }
            Err(e) => {
                Self::lock(&self.pending).remove(&token);
                Err(e)
            }
        }
    }

    /// Remembers the user's mapping for the unrecognised sheet of a preview, then previews again.
    pub fn save_mapping(&self, token: u64, layout: &str, columns: &[(String, Option<String>)]) -> Result<Preview> {
        self.require_role()?;
        let preview = self.preview_token(token)?;
        let Some(u) = preview.unrecognised else { return Ok(preview) };
        let layout = parse_layout(layout)?;
        let paths = self.pending_paths(token)?;
        let path = paths.iter().find(|p| display_name(p) == u.file).cloned().unwrap_or_default();
        let header = mappings::read_header_row(&path, Some(&u.sheet), Some(u.row), 0)?;
        let lang = self.language()?;
        mappings::save(&self.store(), layout, &header.cells, &chosen_pairs(columns), lang)?;
        self.preview_token(token)
    }

    /// The remembered mappings, for review.
    pub fn mappings(&self) -> Result<Mappings> {
        self.require_role()?;
        let lang = self.language()?;
        let saved = mappings::list(&self.store())?
            .into_iter()
            .map(|(m, saved_at)| MappingView {
                signature: m.signature.clone(),
                headers: m.columns.iter().map(|(h, _)| h.clone()).collect(),
                choice: MappingChoice { layout: m.layout.id(), columns: m.columns.iter().map(|(_, f)| *f).collect() },
                layout_label: mappings::layout_label(m.layout, lang),
                saved_at,
            })
            .collect();
        Ok(Mappings { layouts: layout_choices(lang), saved })
    }

    /// Changes a remembered mapping: the same header row, read another way.
    pub fn edit_mapping(&self, signature: &str, layout: &str, columns: &[(String, Option<String>)]) -> Result<Mappings> {
        self.require_role()?;
        let layout = parse_layout(layout)?;
        let lang = self.language()?;
        {
            let store = self.store();
            let saved = mappings::load_all(&store)?;
            let old = saved.get(signature).ok_or_else(|| CoreError::invalid("mapping_none", [signature.to_string()]))?;
            // Every column is given: the automatic matches of the old layout do not carry over.
            let mut chosen = chosen_pairs(columns);
            for (h, _) in &old.columns {
                if !chosen.iter().any(|(c, _)| c == h) {
                    chosen.push((h.clone(), "-".into()));
                }
            }
            mappings::save(&store, layout, &mappings::header_cells(old), &chosen, lang)?;
        }
        self.mappings()
    }

    /// Forgets a remembered mapping: files with that header ask again.
    pub fn forget_mapping(&self, signature: &str) -> Result<Mappings> {
        self.require_role()?;
        mappings::forget(&self.store(), signature)?;
        self.mappings()
    }

    pub fn cancel(&self, token: u64) {
        Self::lock(&self.pending).remove(&token);
    }

    /// Imports the files of a preview; they stop being pending whatever happens.
    pub fn confirm(&self, token: u64, skip_invalid: bool, progress: &mut dyn FnMut(Progress)) -> Result<ImportReport> {
        self.require_role()?;
        let paths = self.pending_paths(token)?;
        Self::lock(&self.pending).remove(&token);
        self.import(&paths, &ImportOptions { skip_invalid, ..ImportOptions::default() }, progress)
    }

    /// Writes the annotated errors workbook of a preview to `out`.
    pub fn save_problems(&self, token: u64, out: &Path) -> Result<()> {
        self.require_role()?;
        let paths = self.pending_paths(token)?;
        let options = ImportOptions { dry_run: true, errors_out: Some(out.to_path_buf()), ..ImportOptions::default() };
        import::import_files(&self.store(), &paths, &options, &mut |_| {}).map(|_| ())
    }

    /// Imports straight away (the watch folder, the CLI-like paths of the shell).
    pub fn import(&self, paths: &[PathBuf], options: &ImportOptions, progress: &mut dyn FnMut(Progress)) -> Result<ImportReport> {
        let inputs = paths.iter().map(|p| crate::read::input::InputFile::open(p)).collect::<Result<Vec<_>>>()?;
        self.import_inputs(&inputs, options, progress)
    }

    fn import_inputs(
        &self,
        inputs: &[Arc<crate::read::input::InputFile>],
        options: &ImportOptions,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ImportReport> {
        let lang = self.language()?;
        let mut report = import::import_inputs(&self.store(), inputs, options, progress)?;
        report.localize(lang);
        if report.outcome == Outcome::Imported {
            self.after_commit(Committed::Import(report.import_id.unwrap_or_default()), progress)?;
        }
        Ok(report)
    }

    /// The work that follows every commit, in one place whoever committed:
    /// the lake copy (an import's batch that fails waits for the next open: the
    /// store has the data; an undo's failure is an error), then the figures,
    /// which are stale. On the desktop an import's batch waits for `write_lake`:
    /// the lake never holds the user (a 1,000,000-line batch is ~0.15 s).
    fn after_commit(&self, what: Committed, progress: &mut dyn FnMut(Progress)) -> Result<()> {
        let store = self.store();
        let lake = match what {
            Committed::Import(_) if self.keep_ready => Ok(()),
            Committed::Import(id) => crate::store::lake::after_import(&store, id),
            Committed::Undo(id) => crate::store::lake::after_undo(&store, id),
            Committed::Settings => crate::store::lake::write_settings(&store),
        };
        drop(store);
        self.generation.fetch_add(1, Ordering::SeqCst);
        match (what, lake) {
            (_, Ok(())) => {}
            (Committed::Import(id), Err(e)) => {
                tracing::warn!("Import #{id} is safe in the store, but its lake batch waits for the next start: {e}")
            }
            // An undone batch left in the lake would come back with a restore: say so.
            (Committed::Undo(_), Err(e)) => return Err(e),
            (Committed::Settings, Err(e)) => {
                tracing::warn!("The settings are saved; their copy in the lake is rewritten at the next change: {e}")
            }
        }
        if what == Committed::Settings || !self.keep_ready {
            return Ok(());
        }
        progress(Progress { phase: Phase::Refreshing, file: String::new(), rows: 0, total_estimate: None });
        self.refresh()?;
        progress(Progress { phase: Phase::Done, file: String::new(), rows: 0, total_estimate: None });
        Ok(())
    }

    /// Writes the lake batches still pending: on the desktop, an import's, once
    /// its figures are on screen. A failure loses nothing: the batch waits for
    /// the next call or the next start.
    pub fn write_lake(&self) {
        if let Err(e) = crate::store::lake::write_pending(&self.store()) {
            tracing::warn!("The imports are safe in the store, but their lake batches wait for the next start: {e}");
        }
    }

    /// Imports one file of the watch folder unless its content was imported
    /// already, or was refused already (same SHA-256: a file that failed is
    /// not tried again at each start); a failure is remembered in the history.
    /// The file is opened once. Returns a sentence.
    pub fn import_watched(&self, path: &Path) -> WatchOutcome {
        let name = display_name(path);
        let outcome = |imported: bool, message: String| WatchOutcome { file: name.clone(), imported, message };
        let lang = self.language().unwrap_or(Lang::En);
        let input = match crate::read::input::InputFile::open(path) {
            Ok(input) => input,
            Err(e) => return outcome(false, e.render(lang)),
        };
        let say = |code: &'static str, more: &[String]| {
            let params: Vec<String> = std::iter::once(name.clone()).chain(more.iter().cloned()).collect();
            crate::messages::render(code, &params, lang)
        };
        let attempt = || -> Result<WatchOutcome> {
            let sha = input.sha256()?;
            let store = self.store();
            if let Some(id) = crate::import::history::imported_by(&store, &sha)? {
                return Ok(outcome(false, say("watch_already_imported", &[id.to_string()])));
            }
            if crate::import::history::refused_before(&store, &sha)? {
                return Ok(outcome(false, say("watch_already_refused", &[])));
            }
            drop(store);
            let report = match self.import_inputs(&[Arc::clone(&input)], &ImportOptions::default(), &mut |_| {}) {
                Ok(r) => r,
                Err(e) => {
                    history::record_failure(&self.store(), &name, &sha, &e.render(lang), &[])?;
                    return Ok(outcome(false, e.render(lang)));
                }
            };
            let message = match report.outcome {
                Outcome::Imported => say("watch_imported", &[report.import_id.unwrap_or_default().to_string()]),
                Outcome::NothingToChange => say("watch_nothing_new", &[]),
                _ => {
                    let m = say("watch_not_imported", &[report.error_count.to_string()]);
                    history::record_failure(&self.store(), &name, &sha, &m, &report.errors)?;
                    m
                }
            };
            Ok(outcome(report.outcome == Outcome::Imported, message))
        };
        attempt().unwrap_or_else(|e| outcome(false, e.render(lang)))
    }

    pub fn failures(&self) -> Result<Vec<history::ImportFailure>> {
        self.require_role()?;
        history::failures(&self.store())
    }

    pub fn history(&self) -> Result<Vec<ImportRecord>> {
        self.require_role()?;
        history::history(&self.store())
    }

    pub fn undo(&self, import_id: i64) -> Result<()> {
        self.require_role()?;
        history::undo(&self.store(), import_id)?;
        self.after_commit(Committed::Undo(import_id), &mut |_| {})
    }

    // ── Administrator ──────────────────────────────────────────────────────

    /// Recomputes the standard periods' dashboards (after an import).
    pub fn refresh(&self) -> Result<()> {
        for period in READY_PERIODS {
            let d = self.compute_dashboard(period, None)?;
            Self::lock(&self.ready).insert(period.name(), d);
        }
        Ok(())
    }

    /// The dashboard of a period: ready-made when it is current, else computed.
    pub fn dashboard(&self, period: Period, as_of: Option<NaiveDate>) -> Result<Dashboard> {
        self.require_admin()?;
        let cached = match as_of {
            None => Self::lock(&self.ready).get(&period.name()).cloned(),
            Some(_) => None,
        };
        let d = match cached {
            Some(d) if d.generation == self.generation() => d,
            _ => self.compute_dashboard(period, as_of)?,
        };
        *Self::lock(&self.shown) = Some(d.clone());
        Ok(d)
    }

    fn compute_dashboard(&self, period: Period, as_of: Option<NaiveDate>) -> Result<Dashboard> {
        let store = self.store();
        let generation = self.generation();
        let currency = crate::store::settings::get(&store, "currency")?;
        let lang = Lang::from_setting(&crate::store::settings::get(&store, "language")?);
        let refreshed_at = chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string();
        if !store.has_data()? {
            return Ok(Dashboard { generation, refreshed_at, report: None, charts: Charts::default(), currency });
        }
        let report = analytics::report(&store, as_of, period)?;
        let charts = Charts {
            winners: charts::winners_svg(&report.winners, 560, 360),
            revenue_profit: charts::revenue_profit_svg(&report.sales_timeline, lang, 640, 320),
            loss_risk: charts::loss_risk_svg(&report.loss_risk, lang, 480, 220),
            tiers: charts::tiers_svg(&report.clients, lang, 480, 220),
            categories: charts::categories_svg(&report.category_sales, lang, 560, 360),
        };
        Ok(Dashboard { generation, refreshed_at, report: Some(report), charts, currency })
    }

    fn language(&self) -> Result<Lang> {
        Ok(Lang::from_setting(&crate::store::settings::get(&self.store(), "language")?))
    }

    /// Writes the dashboard of a period as an Excel workbook.
    pub fn export_dashboard(&self, period: Period, as_of: Option<NaiveDate>, out: &Path) -> Result<()> {
        let d = self.dashboard(period, as_of)?;
        let report = d.report.ok_or_else(|| CoreError::invalid("nothing_to_export", []))?;
        crate::analytics::exports::dashboard_xlsx(&report, &d.currency, self.language()?, out)
    }

    /// Writes the clients eligible for the promotion as an Excel workbook.
    pub fn export_promo_clients(&self, out: &Path) -> Result<()> {
        let d = self.dashboard(Period::All, None)?;
        let clients = d.report.map(|r| r.clients).unwrap_or_default();
        crate::analytics::exports::promo_clients_xlsx(&clients, self.language()?, out)
    }

    /// The window `period` covers (as of `as_of`, else the report date).
    fn window_of(&self, period: Period, as_of: Option<NaiveDate>) -> Result<analytics::Window> {
        Ok(analytics::resolve_window(&self.store(), as_of, period)?.1)
    }

    /// A page of the invoice lines behind a figure, with the totals of them all (drill-down).
    pub fn lines(&self, period: Period, as_of: Option<NaiveDate>, filter: LineFilter, page: PageRequest) -> Result<LinesPage> {
        self.require_admin()?;
        let window = self.window_of(period, as_of)?;
        analytics::lines::page(&self.store(), window, filter, page)
    }

    /// Writes every line behind a figure as an Excel workbook.
    pub fn export_lines(&self, period: Period, as_of: Option<NaiveDate>, filter: &LineFilter, out: &Path) -> Result<()> {
        self.require_admin()?;
        let window = self.window_of(period, as_of)?;
        crate::analytics::exports::lines_xlsx(&self.store(), &window, filter, self.language()?, out)
    }

    /// Writes the order list (the products to reorder, SPEC §4.1) as an Excel workbook.
    pub fn export_order_list(&self, out: &Path) -> Result<()> {
        let d = self.dashboard(Period::Month, None)?;
        let report = d.report.ok_or_else(|| CoreError::invalid("nothing_to_export", []))?;
        crate::analytics::exports::order_list_xlsx(&report.replenishment, self.language()?, out)
    }

    /// The SVG of one chart of the last dashboard shown.
    pub fn chart_svg(&self, name: &str) -> Result<String> {
        self.require_admin()?;
        let lang = self.language()?;
        let shown = Self::lock(&self.shown).clone();
        let Some(shown) = shown else { return Err(CoreError::invalid("chart_empty", [])) };
        let (charts, report, currency) = (shown.charts, shown.report, shown.currency);
        let svg = match name {
            "winners" => charts.winners,
            "revenue_profit" => charts.revenue_profit,
            "loss_risk" => charts.loss_risk,
            "tiers" => charts.tiers,
            "categories" => charts.categories,
            other => return Err(CoreError::invalid("no_such_chart", [other.to_string()])),
        };
        let Some(report) = report.filter(|_| !svg.is_empty()) else { return Err(CoreError::invalid("chart_empty", [])) };
        // A saved chart says what it shows: its title, period and unit, as the dashboard does.
        let (title, subtitle) = charts::export_caption(name, &report, &currency, lang);
        Ok(charts::captioned(&svg, &title, &subtitle))
    }

    /// Fails until a role is chosen (before the shell opens a file dialog).
    pub fn check_role(&self) -> Result<()> {
        self.require_role().map(|_| ())
    }

    /// Fails unless the administrator is working (before the shell opens a save dialog).
    pub fn check_admin(&self) -> Result<()> {
        self.require_admin()
    }

    // ── Settings ───────────────────────────────────────────────────────────

    /// Readable before a role is chosen: the first screen needs the language and theme.
    pub fn settings(&self) -> Result<Vec<Setting>> {
        let list = crate::store::settings::list(&self.store())?;
        let setting = |(key, value): (String, String)| {
            let d = catalog::find(&key)?;
            Some(Setting { key, value, kind: d.kind, choices: d.choices, personal: d.personal })
        };
        Ok(list.into_iter().filter_map(setting).collect())
    }

    /// The watch folder setting; None when there is none.
    pub fn watch_folder(&self) -> Result<Option<PathBuf>> {
        let value = crate::store::settings::get(&self.store(), "watch_folder")?;
        Ok((!value.trim().is_empty()).then(|| PathBuf::from(value.trim())))
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<Vec<Setting>> {
        if !catalog::find(key).is_some_and(|d| d.personal) {
            self.require_admin()?;
        }
        self.require_role()?;
        crate::store::settings::set(&self.store(), key, value)?;
        if key == "language" {
            crate::messages::set_ui_lang(self.language()?);
        }
        // Thresholds change the figures: the ready dashboards are stale.
        self.after_commit(Committed::Settings, &mut |_| {})?;
        self.settings()
    }

    /// Removes the administrator's passphrase (`comptoir passphrase reset`: who
    /// can open the store's file is its owner). Says whether there was one.
    pub fn reset_passphrase(&self) -> Result<bool> {
        self.require_admin()?;
        let had = passphrase_hash(&self.store())?.is_some();
        if had {
            crate::store::settings::put(&self.store(), PASSPHRASE_KEY, None)?;
            self.after_commit(Committed::Settings, &mut |_| {})?;
        }
        Ok(had)
    }

    // ── Terminal: what `comptoir` prints ───────────────────────────────────

    /// The analytics of a period (`comptoir report`).
    pub fn report(&self, as_of: Option<NaiveDate>, period: Period) -> Result<Report> {
        self.require_admin()?;
        analytics::report(&self.store(), as_of, period)
    }

    /// Writes the lake (raw batches, curated tables) to `dir` (`comptoir export-lake`).
    pub fn export_lake(&self, dir: &Path) -> Result<()> {
        self.require_admin()?;
        crate::store::lake::export(&self.store(), dir)
    }

    /// How the header row of a sheet is read: recognised, by a saved mapping,
    /// or (not recognised) the first guess (`comptoir mapping show`).
    pub fn header_reading(&self, file: &Path, sheet: Option<&str>, row: Option<u32>) -> Result<HeaderReading> {
        self.require_role()?;
        let header = mappings::read_header_row(file, sheet, row, MAPPING_SAMPLE_ROWS)?;
        let (index, cells) = (header.index, &header.cells);
        let signature = mappings::signature(cells);
        let saved = mappings::load_all(&self.store())?.remove(&signature);
        let recognised = match SheetKind::from_sheet_name(&header.sheet) {
            Some(k) => layout::header_for(k, index, cells),
            None => layout::guess_header(index, cells),
        };
        let lang = self.language()?;
        let by_column = |map: &layout::HeaderMap| -> Vec<Option<&'static str>> {
            cells.iter().map(|(col, _)| map.columns.iter().find(|(c, _)| c == col).map(|(_, f)| *f)).collect()
        };
        let (how, layout_label, fields) = match (recognised, saved) {
            (Some(m), _) => (HowRead::Recognised, m.kind.label().to_string(), by_column(&m)),
            (None, Some(m)) => (HowRead::Saved, mappings::layout_label(m.layout, lang), by_column(&m.header_map(index, cells))),
            (None, None) => {
                let guess = crate::import::suggest::suggest(cells, &header.samples);
                (HowRead::Guessed(guess.layout.id()), mappings::layout_label(guess.layout, lang), guess.columns)
            }
        };
        Ok(HeaderReading {
            sheet: header.sheet.clone(),
            row: index + 1,
            signature,
            how,
            layout_label,
            columns: header_columns(cells, &fields, lang),
        })
    }

    /// Remembers which column is which in the header row of a file's sheet;
    /// returns how that row is now read (`comptoir mapping save`).
    pub fn save_mapping_of_file(
        &self,
        file: &Path,
        sheet: Option<&str>,
        row: Option<u32>,
        layout: &str,
        chosen: &[(String, String)],
    ) -> Result<HeaderReading> {
        self.require_role()?;
        let layout = parse_layout(layout)?;
        let header = mappings::read_header_row(file, sheet, row, 0)?;
        let lang = self.language()?;
        let saved = mappings::save(&self.store(), layout, &header.cells, chosen, lang)?;
        let map = saved.header_map(header.index, &header.cells);
        let fields: Vec<_> = header.cells.iter().map(|(col, _)| map.columns.iter().find(|(c, _)| c == col).map(|(_, f)| *f)).collect();
        Ok(HeaderReading {
            sheet: header.sheet.clone(),
            row: header.index + 1,
            signature: saved.signature.clone(),
            how: HowRead::Saved,
            layout_label: mappings::layout_label(layout, lang),
            columns: header_columns(&header.cells, &fields, lang),
        })
    }
}

/// Each header cell with the field it is read as.
fn header_columns(cells: &[(u32, String)], fields: &[Option<&'static str>], lang: Lang) -> Vec<HeaderColumn> {
    cells
        .iter()
        .zip(fields)
        .map(|((col, text), field)| HeaderColumn {
            column: crate::read::cells::column_letters(*col),
            header: text.clone(),
            field: *field,
            field_label: field.map(|f| mappings::field_label(f, lang)),
        })
        .collect()
}

/// What was just committed, for the work that follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Committed {
    Import(i64),
    Undo(i64),
    Settings,
}

/// How a header row is read.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum HowRead {
    /// Its headers are the template's (or their known aliases).
    Recognised,
    /// By a mapping the user saved for this header row.
    Saved,
    /// Not recognised: the first guess, of this layout id.
    Guessed(&'static str),
}

/// A header row and how each of its columns is read.
#[derive(Debug, Clone, Serialize)]
pub struct HeaderReading {
    pub sheet: String,
    /// 1-based.
    pub row: u32,
    pub signature: String,
    pub how: HowRead,
    pub layout_label: String,
    pub columns: Vec<HeaderColumn>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HeaderColumn {
    /// Its letters (`A`, `AB`).
    pub column: String,
    pub header: String,
    pub field: Option<&'static str>,
    pub field_label: Option<String>,
}

fn passphrase_hash(store: &Store) -> Result<Option<String>> {
    let mut stmt = store.conn().prepare("SELECT value FROM settings WHERE key = ?")?;
    let mut rows = stmt.query(params![PASSPHRASE_KEY])?;
    Ok(match rows.next()? {
        Some(r) => Some(r.get(0)?),
        None => None,
    })
}

/// Milliseconds since this process started (Linux: /proc), for the start-up figure.
pub fn process_age_ms() -> u64 {
    let ticks_per_second = 100.0; // USER_HZ on Linux
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let uptime = std::fs::read_to_string("/proc/uptime").unwrap_or_default();
    // Field 22 (starttime) counts from after the command name's closing parenthesis.
    let start_ticks = stat.rsplit(')').next().and_then(|rest| rest.split_whitespace().nth(19)).and_then(|t| t.parse::<f64>().ok());
    let up = uptime.split_whitespace().next().and_then(|u| u.parse::<f64>().ok());
    match (start_ticks, up) {
        (Some(start), Some(up)) => ((up - start / ticks_per_second) * 1000.0).max(0.0) as u64,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixture {
        dir: PathBuf,
        service: Service,
    }

    impl Drop for Fixture {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    fn fixture(tag: &str) -> Fixture {
        let dir = std::env::temp_dir().join(format!("comptoir-service-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let service = Service::open(&dir.join("s.duckdb")).unwrap();
        Fixture { dir, service }
    }

    /// Products (one named like a formula), one invoice of 3 teas on 2026-05-31.
    fn sales_files(dir: &Path) -> Vec<PathBuf> {
        let files = [
            ("products.csv", "product_id,name,category,buy_price,sell_price\nT1,Tea,Drinks,1,2\nT2,=HYPERLINK(\"x\"),Drinks,1,3\n"),
            ("invoices.csv", "invoice_id,timestamp\nF1,2026-05-31\n"),
            ("lines.csv", "invoice_id,product_id,qty\nF1,T1,3\nF1,T2,1\n"),
        ];
        files
            .iter()
            .map(|(name, text)| {
                let p = dir.join(name);
                std::fs::write(&p, text).unwrap();
                p
            })
            .collect()
    }

    #[test]
    fn preview_writes_nothing_confirm_imports_and_dashboards_are_ready() {
        let f = fixture("flow");
        let s = &f.service;
        s.choose_role(Role::Accountant, None).unwrap();
        let preview = s.preview(sales_files(&f.dir)).unwrap();
        let report = preview.report.clone().unwrap();
        assert_eq!(report.outcome, Outcome::DryRun);
        assert_eq!((report.counts.products.new, report.counts.lines.new), (2, 2));
        assert!(!s.info().unwrap().has_data, "a preview writes nothing");
        let mut phases = Vec::new();
        let done = s.confirm(preview.token, false, &mut |p| phases.push(p.phase)).unwrap();
        assert_eq!(done.outcome, Outcome::Imported);
        assert_eq!(phases.iter().filter(|p| **p == Phase::Refreshing).count(), 1);
        assert!(s.confirm(preview.token, false, &mut |_| {}).is_err(), "a token serves once");
        assert_eq!(s.generation(), 2);
        // The figures are ready before the lake has the batch, which the window asks for next.
        let batch = f.dir.join("s.lake/raw/invoice_lines/import_id=1/part-0.parquet");
        let pending =
            || -> i64 { s.store().conn().query_row("SELECT count(*) FROM imports WHERE NOT lake_written", [], |r| r.get(0)).unwrap() };
        assert!(!batch.exists());
        assert_eq!(pending(), 1);
        s.write_lake();
        assert!(batch.exists());
        assert_eq!(pending(), 0);
        let lines: i64 = s.store().conn().query_row(&format!("SELECT count(*) FROM '{}'", batch.display()), [], |r| r.get(0)).unwrap();
        assert_eq!(lines, 2);

        s.choose_role(Role::Admin, None).unwrap();
        let ready = Service::lock(&s.ready).get("month").cloned().unwrap();
        assert_eq!(ready.generation, 2);
        let d = s.dashboard(Period::Month, None).unwrap();
        let r = d.report.unwrap();
        assert_eq!(r.kpis.current.revenue, "9.00"); // 3 × 2 + 1 × 3
        assert_eq!(r.winners[0].product_id, "T1"); // profit 3 against 2
        assert_eq!(r.category_sales[0].category.as_deref(), Some("Drinks"));
        assert_eq!(r.sales_timeline.len(), 30);
        assert!(d.charts.winners.starts_with("<svg") && d.charts.revenue_profit.starts_with("<svg"));
        assert!(d.charts.categories.contains("Drinks"));

        // Cancel forgets the files; undo takes the import back and bumps the generation.
        let again = s.preview(sales_files(&f.dir)).unwrap();
        assert_eq!(again.report.unwrap().outcome, Outcome::DryRun);
        s.cancel(again.token);
        assert!(s.confirm(again.token, false, &mut |_| {}).is_err());
        s.undo(done.import_id.unwrap()).unwrap();
        assert_eq!(s.generation(), 3);
        assert!(!s.info().unwrap().has_data);
    }

    #[test]
    fn the_accountant_is_refused_what_is_the_administrators() {
        let f = fixture("roles");
        let s = &f.service;
        let forbidden = |r: Result<()>| matches!(r, Err(CoreError::Forbidden(_)));
        assert!(forbidden(s.preview(vec![]).map(|_| ())), "no role chosen yet");
        s.choose_role(Role::Accountant, None).unwrap();
        assert!(forbidden(s.dashboard(Period::Month, None).map(|_| ())));
        assert!(forbidden(s.export_dashboard(Period::Month, None, &f.dir.join("d.xlsx"))));
        assert!(forbidden(s.export_promo_clients(&f.dir.join("p.xlsx"))));
        assert!(forbidden(s.export_order_list(&f.dir.join("o.xlsx"))));
        assert!(forbidden(s.chart_svg("winners").map(|_| ())));
        assert!(forbidden(s.set_setting("gold_min", "1").map(|_| ())));
        assert!(forbidden(s.set_passphrase(None, Some("secret-1"))));
        assert!(!f.dir.join("d.xlsx").exists());
        // Language and theme are everyone's.
        let after = s.set_setting("theme", "dark").unwrap();
        assert!(after.iter().any(|x| x.key == "theme" && x.value == "dark"));
        assert_eq!(s.info().unwrap().role, Some(Role::Accountant));
    }

    #[test]
    fn the_admin_passphrase_is_an_argon2_hash_and_guards_the_role() {
        let f = fixture("passphrase");
        let s = &f.service;
        s.choose_role(Role::Admin, Some("anything")).unwrap(); // no passphrase yet
        assert!(matches!(s.set_passphrase(None, Some("short")), Err(CoreError::Invalid(_))));
        s.set_passphrase(None, Some("comptoir-2026")).unwrap();
        let stored = passphrase_hash(&s.store()).unwrap().unwrap();
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(!stored.contains("comptoir-2026"));
        assert!(s.settings().unwrap().iter().all(|x| x.key != PASSPHRASE_KEY), "never listed");
        assert!(s.info().unwrap().has_passphrase);
        s.choose_role(Role::Accountant, None).unwrap();
        let wrong = s.choose_role(Role::Admin, Some("comptoir-2025")).unwrap_err();
        assert_eq!(wrong.to_string(), "That is not the administrator's passphrase.");
        assert_eq!(wrong.code(), "forbidden");
        assert_eq!(s.info().unwrap().role, Some(Role::Accountant), "a wrong passphrase changes nothing");
        s.choose_role(Role::Admin, Some("comptoir-2026")).unwrap();
        s.set_passphrase(Some("comptoir-2026"), None).unwrap();
        assert!(!s.info().unwrap().has_passphrase);
    }

    #[test]
    fn leaving_a_role_resets_it_in_the_service_at_once() {
        let f = fixture("leave");
        let s = &f.service;
        s.choose_role(Role::Admin, None).unwrap();
        s.set_passphrase(None, Some("comptoir-2026")).unwrap();
        assert!(s.dashboard(Period::Month, None).is_ok());
        s.leave_role();
        assert_eq!(s.info().unwrap().role, None, "app_info no longer answers Administrator");
        let refused = s.dashboard(Period::Month, None).unwrap_err();
        assert_eq!(refused.to_string(), "Choose a role first (Accountant or Administrator).");
        assert!(matches!(s.chart_svg("winners"), Err(CoreError::Forbidden(_))));
        assert!(matches!(s.check_admin(), Err(CoreError::Forbidden(_))));
        // Only the passphrase brings the administrator back.
        assert!(s.choose_role(Role::Admin, None).is_err());
        assert_eq!(s.info().unwrap().role, None);
        s.choose_role(Role::Admin, Some("comptoir-2026")).unwrap();
        assert_eq!(s.info().unwrap().role, Some(Role::Admin));
    }

    #[test]
    fn changing_or_removing_the_passphrase_needs_the_current_one() {
        let f = fixture("change");
        let s = &f.service;
        s.choose_role(Role::Admin, None).unwrap();
        s.set_passphrase(None, Some("first-secret")).unwrap();
        let before = passphrase_hash(&s.store()).unwrap();
        // An open administrator session is not enough.
        for (current, next) in [(None, None), (None, Some("second-secret")), (Some("wrong-secret"), None)] {
            let e = s.set_passphrase(current, next).unwrap_err();
            assert_eq!(e.to_string(), "The current passphrase is not the right one; nothing was changed.");
        }
        assert_eq!(passphrase_hash(&s.store()).unwrap(), before, "nothing was changed");
        s.set_passphrase_at(Some("first-secret"), Some("second-secret"), Instant::now() + Duration::from_secs(3600)).unwrap();
        s.leave_role();
        assert!(s.choose_role(Role::Admin, Some("first-secret")).is_err());
        s.choose_role_at(Role::Admin, Some("second-secret"), Instant::now() + Duration::from_secs(7200)).unwrap();
    }

    #[test]
    fn wrong_passphrases_are_throttled_with_a_growing_delay() {
        // 0, 0, then 1, 2, 4 … s, capped at 60 s.
        let delays: Vec<u64> = (1..=11).map(|n| Throttle::delay_after(n).as_secs()).collect();
        assert_eq!(delays, [0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60]);

        let f = fixture("throttle");
        let s = &f.service;
        s.choose_role(Role::Admin, None).unwrap();
        s.set_passphrase(None, Some("right-secret")).unwrap();
        s.leave_role();
        let t0 = Instant::now();
        let at = |secs: u64| t0 + Duration::from_millis(secs * 1000);
        let wrong = "That is not the administrator's passphrase.";
        assert_eq!(s.choose_role_at(Role::Admin, Some("guess-1"), at(0)).unwrap_err().to_string(), wrong);
        assert_eq!(s.choose_role_at(Role::Admin, Some("guess-2"), at(0)).unwrap_err().to_string(), wrong);
        // The third mistake imposes 1 s: even the right passphrase waits.
        assert_eq!(s.choose_role_at(Role::Admin, Some("guess-3"), at(0)).unwrap_err().to_string(), wrong);
        let early = s.choose_role_at(Role::Admin, Some("right-secret"), at(0)).unwrap_err();
        assert_eq!(early.to_string(), "Too many wrong passphrases: wait 1 second before trying again.");
        assert_eq!(early.code(), "forbidden");
        // The fourth (at 1 s) imposes 2 s more; the settings form counts too.
        assert_eq!(s.choose_role_at(Role::Admin, Some("guess-4"), at(1)).unwrap_err().to_string(), wrong);
        s.choose_role(Role::Accountant, None).unwrap();
        s.leave_role();
        let busy = s.choose_role_at(Role::Admin, Some("right-secret"), at(2)).unwrap_err();
        assert_eq!(busy.to_string(), "Too many wrong passphrases: wait 1 second before trying again."); // until 3 s
        assert_eq!(s.info().unwrap().role, None);
        // Once the wait is over the right one opens, and the count starts again.
        s.choose_role_at(Role::Admin, Some("right-secret"), at(3)).unwrap();
        assert_eq!(failures(s), 0);
        assert!(s.set_passphrase_at(Some("guess-5"), None, at(3)).is_err());
        assert!(s.set_passphrase_at(Some("guess-6"), None, at(3)).is_err());
        assert!(s.set_passphrase_at(Some("guess-7"), None, at(3)).is_err());
        let e = s.set_passphrase_at(Some("right-secret"), None, at(3)).unwrap_err();
        assert_eq!(e.to_string(), "Too many wrong passphrases: wait 1 second before trying again.");
        assert!(s.info().unwrap().has_passphrase, "a throttled removal removes nothing");
    }

    fn failures(s: &Service) -> u32 {
        Service::lock(&s.throttle).failures
    }

    #[test]
    fn the_cli_reset_removes_a_forgotten_passphrase() {
        let f = fixture("reset");
        let s = &f.service;
        s.choose_role(Role::Admin, None).unwrap();
        s.set_passphrase(None, Some("forgotten-one")).unwrap();
        assert!(s.reset_passphrase().unwrap(), "there was one to remove");
        assert!(!s.info().unwrap().has_passphrase);
        assert!(!s.reset_passphrase().unwrap(), "nothing left to remove");
    }

    #[test]
    fn an_unrecognised_sheet_asks_for_a_mapping_then_previews() {
        let f = fixture("mapping");
        let s = &f.service;
        s.choose_role(Role::Accountant, None).unwrap();
        let till = f.dir.join("till.csv");
        std::fs::write(&till, "Doc;Quand;Article;Nb;Tarif\nA1;14/02/2026 10:00;X1;2;1,50\n").unwrap();
        let p = s.preview(vec![till]).unwrap();
        let u = p.unrecognised.clone().unwrap();
        assert!(p.report.is_none());
        assert_eq!((u.file.as_str(), u.row), ("till.csv", 1));
        assert_eq!(u.headers, ["Doc", "Quand", "Article", "Nb", "Tarif"]);
        assert_eq!(u.samples, [["A1", "14/02/2026 10:00", "X1", "2", "1,50"]]);
        let ids: Vec<&str> = u.layouts.iter().map(|l| l.id).collect();
        assert_eq!(ids, ["sales", "products", "stock", "clients", "invoices", "invoice_lines"]);
        let sales = &u.layouts[0];
        assert!(sales.fields.iter().any(|x| x.name == "timestamp" && x.required && x.label == "Date (and time)"));
        let pick = |h: &str, f: &str| (h.to_string(), Some(f.to_string()));
        let columns = [
            pick("Doc", "invoice_id"),
            pick("Quand", "timestamp"),
            pick("Article", "product_id"),
            pick("Nb", "qty"),
            pick("Tarif", "unit_price"),
        ];
        let mapped = s.save_mapping(p.token, "sales", &columns).unwrap();
        let report = mapped.report.unwrap();
        assert_eq!((report.counts.invoices.new, report.counts.lines.new, report.counts.products.new, report.error_count), (1, 1, 1, 0));
    }

    #[test]
    fn a_french_till_export_is_guessed_mapped_once_and_then_imported_without_a_question() {
        let f = fixture("till-fr");
        let s = &f.service;
        s.choose_role(Role::Accountant, None).unwrap();
        s.set_setting("language", "fr").unwrap();
        let first = f.dir.join("caisse-lundi.csv");
        std::fs::write(&first, "Pièce;Date;Client;Article;Qté;PU\nT1;16/02/2026 09:12;C1;A-1;2;1,50\nT1;16/02/2026 09:12;C1;A-2;1;4,00\nT2;16/02/2026 10:40;;A-1;3;1,50\n").unwrap();
        let p = s.preview(vec![first.clone()]).unwrap();
        let u = p.unrecognised.clone().expect("the headers are not the template's");
        assert_eq!(u.suggestion.layout, "sales");
        assert_eq!(
            u.suggestion.columns,
            [Some("invoice_id"), Some("timestamp"), Some("client_id"), Some("product_id"), Some("qty"), Some("unit_price")]
        );
        assert_eq!(u.layouts[0].label, "Export de ventes (une ligne par article vendu)");
        assert!(u.layouts[0].fields.iter().any(|x| x.name == "qty" && x.label == "Quantité vendue"));
        // The suggestion, accepted as is.
        let columns: Vec<(String, Option<String>)> =
            u.headers.iter().cloned().zip(u.suggestion.columns.iter().map(|c| c.map(str::to_string))).collect();
        let token = p.token;
        let mapped = s.save_mapping(token, u.suggestion.layout, &columns).unwrap();
        let report = mapped.report.unwrap();
        assert_eq!((report.counts.invoices.new, report.counts.lines.new, report.counts.products.new), (2, 3, 2));
        assert_eq!((report.counts.clients.new, report.error_count), (1, 0));
        let imported = s.confirm(token, false, &mut |_| {}).unwrap();
        assert_eq!(imported.outcome, Outcome::Imported);
        // Another day's export with the same header: no question, and the preview says which mapping read it.
        let second = f.dir.join("caisse-mardi.csv");
        std::fs::write(&second, "Pièce;Date;Client;Article;Qté;PU\nT3;17/02/2026 11:00;C1;A-2;5;4,00\n").unwrap();
        let p2 = s.preview(vec![second]).unwrap();
        assert!(p2.unrecognised.is_none());
        let r2 = p2.report.unwrap();
        assert_eq!((r2.counts.invoices.new, r2.counts.lines.new, r2.error_count), (1, 1, 0));
        assert_eq!(r2.mappings_used.len(), 1);
        assert_eq!(r2.mappings_used[0].file, "caisse-mardi.csv");
        // The remembered mapping is listed in French, changed, then forgotten.
        let listed = s.mappings().unwrap();
        assert_eq!(listed.saved.len(), 1);
        let m = &listed.saved[0];
        assert_eq!((m.choice.layout, m.layout_label.as_str()), ("sales", "Export de ventes (une ligne par article vendu)"));
        assert_eq!(m.headers, ["Pièce", "Date", "Client", "Article", "Qté", "PU"]);
        let mut edited = columns.clone();
        edited[2].1 = None;
        let after = s.edit_mapping(&m.signature, "sales", &edited).unwrap();
        assert_eq!(after.saved[0].choice.columns[2], None);
        let err = s.edit_mapping(&m.signature, "sales", &[("Pièce".into(), None)]).unwrap_err();
        assert_eq!(err.render(Lang::Fr), "Export de ventes (une ligne par article vendu) demande une colonne pour Numéro de facture\u{a0}: choisissez celle qui le contient.");
        assert!(s.forget_mapping(&m.signature).unwrap().saved.is_empty());
        assert!(s.preview(vec![f.dir.join("caisse-mardi.csv")]).unwrap().unrecognised.is_some());
    }

    #[test]
    fn the_dashboard_exports_to_excel_with_formulas_neutralised() {
        use calamine::{open_workbook, Data, Reader, Xlsx};
        let f = fixture("export");
        let s = &f.service;
        s.choose_role(Role::Admin, None).unwrap();
        let p = s.preview(sales_files(&f.dir)).unwrap();
        s.confirm(p.token, false, &mut |_| {}).unwrap();
        let out = f.dir.join("dashboard.xlsx");
        s.export_dashboard(Period::Month, None, &out).unwrap();
        let mut book: Xlsx<_> = open_workbook(&out).unwrap();
        let names = book.sheet_names();
        assert_eq!(
            names,
            ["Summary", "Winners", "Losers", "Loss risk", "Markdowns", "Replenishment", "Clients", "Stock ageing", "Categories", "By day"]
        );
        let winners = book.worksheet_range("Winners").unwrap();
        let row = |r: usize| winners.rows().nth(r).unwrap().to_vec();
        assert_eq!(row(1)[1], Data::String("T1".into()));
        assert_eq!(row(1)[5], Data::Float(3.0), "profit 3 × (2 − 1), a number");
        assert_eq!(row(2)[2], Data::String("=HYPERLINK(\"x\")".into()), "the text itself is unchanged");
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
        let mut styles = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("xl/styles.xml").unwrap(), &mut styles).unwrap();
        assert!(styles.contains("quotePrefix=\"1\""), "formula text carries the quote-prefix format");
        let summary = book.worksheet_range("Summary").unwrap();
        assert!(summary.rows().any(|r| r[0] == Data::String("Revenue".into()) && r[1] == Data::Float(9.0)));
        assert!(s.chart_svg("winners").unwrap().starts_with("<svg"));
        let list = f.dir.join("order.xlsx");
        s.export_order_list(&list).unwrap();
        let mut book: Xlsx<_> = open_workbook(&list).unwrap();
        assert_eq!(book.sheet_names(), ["Order list"]);
        let header = book.worksheet_range("Order list").unwrap().rows().next().unwrap().to_vec();
        assert_eq!(header[2], Data::String("Quantity to order".into()));
    }
}
