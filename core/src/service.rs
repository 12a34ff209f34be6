//! The operations the desktop shell exposes, as plain Rust over one store.
//! The shell only translates these to commands and events.

use crate::analytics::{self, Period, Winner};
use crate::charts;
use crate::error::Result;
use crate::import::{self, ImportOptions, ImportReport, Outcome, Phase, Progress};
use crate::store::Store;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::collections::HashMap;
use std::sync::Mutex;

pub struct Service {
    store: Mutex<Store>,
    /// Bumped after every import that changed the store; screens compare it.
    generation: AtomicU64,
    /// Dashboards of the standard periods, recomputed after each import so the
    /// screens read them instantly; each carries the generation it was built at.
    ready: Mutex<HashMap<String, Dashboard>>,
}

/// The periods kept ready after each import.
const READY_PERIODS: [Period; 3] = [Period::Week, Period::Month, Period::All];

#[derive(Debug, Clone, Serialize)]
pub struct AppInfo {
    pub version: String,
    pub db_path: String,
    pub has_data: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct DashboardWindow {
    pub name: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub generation: u64,
    pub as_of: Option<String>,
    pub window: DashboardWindow,
    pub winners: Vec<Winner>,
    pub winners_chart_svg: String,
}

impl Service {
    pub fn open(path: &Path) -> Result<Service> {
        Ok(Service {
            store: Mutex::new(Store::open(path)?),
            generation: AtomicU64::new(1),
            ready: Mutex::new(HashMap::new()),
        })
    }

    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        // A panic while holding the lock cannot leave the store half-written
        // (DuckDB transactions), so a poisoned lock is safe to reuse.
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn info(&self) -> Result<AppInfo> {
        let store = self.store();
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            db_path: store.path().display().to_string(),
            has_data: store.has_data()?,
        })
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    pub fn import(&self, paths: &[PathBuf], options: &ImportOptions, progress: &mut dyn FnMut(Progress)) -> Result<ImportReport> {
        let report = import::import_files(&self.store(), paths, options, progress)?;
        if report.outcome == Outcome::Imported {
            self.generation.fetch_add(1, Ordering::SeqCst);
            progress(Progress { phase: Phase::Refreshing, file: String::new(), rows: 0, total_estimate: None });
            self.refresh()?;
            progress(Progress { phase: Phase::Done, file: String::new(), rows: 0, total_estimate: None });
        }
        Ok(report)
    }

    /// Recomputes the standard periods' dashboards (after an import).
    pub fn refresh(&self) -> Result<()> {
        for period in READY_PERIODS {
            let d = self.compute_dashboard(period)?;
            self.ready.lock().unwrap_or_else(|p| p.into_inner()).insert(period.name(), d);
        }
        Ok(())
    }

    /// The dashboard of a period: ready-made when it is current, else computed.
    pub fn dashboard(&self, period: Period) -> Result<Dashboard> {
        let cached = self.ready.lock().unwrap_or_else(|p| p.into_inner()).get(&period.name()).cloned();
        match cached {
            Some(d) if d.generation == self.generation() => Ok(d),
            _ => self.compute_dashboard(period),
        }
    }

    fn compute_dashboard(&self, period: Period) -> Result<Dashboard> {
        let store = self.store();
        let generation = self.generation();
        if !store.has_data()? {
            return Ok(Dashboard {
                generation,
                as_of: None,
                window: DashboardWindow { name: period.name(), from: None, to: None },
                winners: Vec::new(),
                winners_chart_svg: String::new(),
            });
        }
        let report = analytics::report(&store, None, period)?;
        Ok(Dashboard {
            generation,
            as_of: Some(report.as_of.to_string()),
            window: DashboardWindow {
                name: period.name(),
                from: Some(report.window.from.to_string()),
                to: Some(report.window.to.to_string()),
            },
            winners_chart_svg: charts::winners_svg(&report.winners, 480, 340),
            winners: report.winners,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dashboards_are_ready_after_an_import_and_carry_the_generation() {
        let dir = std::env::temp_dir().join(format!("comptoir-service-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let book = dir.join("products.csv");
        std::fs::write(&book, "product_id,name,buy_price,sell_price\nT1,Tea,1,2\n").unwrap();
        let inv = dir.join("invoices.csv");
        std::fs::write(&inv, "invoice_id,timestamp\nF1,2026-05-31\n").unwrap();
        let lines = dir.join("lines.csv");
        std::fs::write(&lines, "invoice_id,product_id,qty\nF1,T1,3\n").unwrap();
        let service = Service::open(&dir.join("s.duckdb")).unwrap();
        let empty = service.dashboard(Period::Month).unwrap();
        assert_eq!((empty.generation, empty.as_of.clone()), (1, None));
        let mut phases = Vec::new();
        service.import(&[book, inv, lines], &ImportOptions::default(), &mut |p| phases.push(p.phase)).unwrap();
        assert_eq!(phases.iter().filter(|p| **p == Phase::Refreshing).count(), 1);
        assert_eq!(phases.last(), Some(&Phase::Done));
        let ready = service.ready.lock().unwrap().get("month").cloned().unwrap();
        assert_eq!(ready.generation, 2);
        assert_eq!(ready.winners[0].profit, "3.00");
        let d = service.dashboard(Period::Month).unwrap();
        assert_eq!((d.generation, d.as_of.as_deref()), (2, Some("2026-05-31")));
        assert!(d.winners_chart_svg.starts_with("<svg"));
        drop(service);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
