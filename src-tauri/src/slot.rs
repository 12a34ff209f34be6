//! The store the commands use. It is opened on a thread of its own while the
//! window is being created (that is start-up time saved), and a store that
//! turns out to be damaged stays visible as a sentence until it is rebuilt
//! from its lake; it is never replaced silently.

use crate::BridgeError;
use comptoir_core::app::service::Service;
use comptoir_core::error::CoreError;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

/// What a rebuild from the lake did, for the window to say in its language.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Rebuilt {
    /// The imports read back from the lake.
    pub imports: i64,
    /// Where the damaged file now is.
    pub kept_aside: String,
}

enum Opening {
    Pending,
    Open(Arc<Service>),
    Failed(BridgeError),
}

pub struct StoreSlot {
    db: PathBuf,
    state: Mutex<Opening>,
    settled: Condvar,
}

impl StoreSlot {
    /// Starts opening the store at `db`; `then` runs on the opening thread once it is open.
    pub fn open_in_background(db: PathBuf, then: impl FnOnce() + Send + 'static) -> Arc<StoreSlot> {
        let slot = Arc::new(StoreSlot { db, state: Mutex::new(Opening::Pending), settled: Condvar::new() });
        let opening = slot.clone();
        std::thread::spawn(move || {
            let opened = Service::open(&opening.db).map_err(BridgeError::from);
            let ok = opened.is_ok();
            opening.settle(opened);
            if ok {
                then();
            }
        });
        slot
    }

    fn lock(&self) -> MutexGuard<'_, Opening> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn settle(&self, opened: Result<Service, BridgeError>) {
        *self.lock() = match opened {
            Ok(service) => Opening::Open(Arc::new(service)),
            Err(e) => Opening::Failed(e),
        };
        self.settled.notify_all();
    }

    /// The open service; waits while the store is still opening (only at start-up).
    pub fn get(&self) -> Result<Arc<Service>, BridgeError> {
        let mut state = self.lock();
        loop {
            match &*state {
                Opening::Pending => state = self.settled.wait(state).unwrap_or_else(|p| p.into_inner()),
                Opening::Open(service) => return Ok(service.clone()),
                Opening::Failed(e) => return Err(e.clone()),
            }
        }
    }

    /// The service if the store is open now; never waits.
    pub fn try_get(&self) -> Option<Arc<Service>> {
        match &*self.lock() {
            Opening::Open(service) => Some(service.clone()),
            _ => None,
        }
    }

    /// Rebuilds a damaged store from the lake beside it (the damaged file is
    /// kept aside) and opens the result. Refused unless the store is damaged.
    pub fn recover(&self) -> Result<Rebuilt, BridgeError> {
        match self.get() {
            Ok(_) => return Err(CoreError::Usage("The store opens normally; there is nothing to rebuild.".into()).into()),
            Err(e) if e.code != "store_damaged" => return Err(e),
            Err(_) => {}
        }
        let recovered = comptoir_core::store::lake::recover(&self.db)?;
        let rebuilt = Rebuilt { imports: recovered.imports, kept_aside: recovered.kept_aside.display().to_string() };
        drop(recovered.store);
        let reopened = Service::open(&self.db).map_err(BridgeError::from);
        let answer = reopened.as_ref().map(|_| rebuilt).map_err(BridgeError::clone);
        self.settle(reopened);
        answer
    }
}
