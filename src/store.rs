//! The client's cookie state: the jar, the cookie file it shares with other clients
//! and processes, and the rules for bringing the two together.
//!
//! Without a cookie file this is a mutex around the jar. With one, the file is the
//! shared truth: [`Store::sync`] re-reads it when another writer replaced it (one
//! `stat` per call), and [`Store::mutate`] applies a change under the file's lock to
//! what the file holds, then writes the result back. The mutex is held only while the
//! jar is read or changed, never during network I/O.

use crate::cookie_file::{self, FileLock, Identity};
use crate::cookies::Jar;
use crate::error::Result;
use crate::watch::Observer;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// The jar plus the version of the cookie file it was last synchronised with.
pub(crate) struct JarState {
    pub jar: Jar,
    disk: Option<Identity>,
}

/// See the module docs.
pub(crate) struct Store {
    state: Mutex<JarState>,
    cookie_file: Option<PathBuf>,
    /// The origin the cookie file must belong to.
    origin: String,
    /// Serialises this process's re-reads and writes of the cookie file (the file
    /// lock serialises them across processes), so a re-read never replaces a newer
    /// jar with an older file.
    file_sync: Mutex<()>,
    observer: Observer,
}

impl Store {
    /// A store for `origin`, loading `cookie_file` if it exists.
    pub fn open(origin: String, cookie_file: Option<PathBuf>) -> Result<Store> {
        let mut jar = Jar::default();
        let mut disk = None;
        if let Some(path) = &cookie_file
            && let Some((text, id)) = cookie_file::read(path)?
        {
            jar.import(&text, &origin).map_err(|e| e.in_file(path))?;
            disk = Some(id);
        }
        Ok(Store {
            state: Mutex::new(JarState { jar, disk }),
            cookie_file,
            origin,
            file_sync: Mutex::new(()),
            observer: Observer::default(),
        })
    }

    /// An empty store without a cookie file: a user handle's
    /// ([`Client::user`](crate::Client::user)).
    pub fn in_memory(origin: String) -> Store {
        Store {
            state: Mutex::new(JarState {
                jar: Jar::default(),
                disk: None,
            }),
            cookie_file: None,
            origin,
            file_sync: Mutex::new(()),
            observer: Observer::default(),
        }
    }

    /// The jar, locked. A panic while the lock was held cannot leave the jar
    /// half-written (every mutation is a single call on it), so a poisoned lock is
    /// still usable.
    pub fn lock(&self) -> MutexGuard<'_, JarState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Brings the jar up to date with the cookie file, when one is configured and
    /// another client or process wrote it since this client last read or wrote it.
    pub fn sync(&self) -> Result<()> {
        let Some(path) = &self.cookie_file else {
            return Ok(());
        };
        let now = cookie_file::identity(path)?;
        if self.lock().disk == now {
            return Ok(());
        }
        let _order = self.file_sync.lock().unwrap_or_else(|p| p.into_inner());
        self.reload(path)
    }

    /// What the client knows about the session; the store tells it when the cookie
    /// file brought another process's sign-in or sign-out.
    pub fn observer(&self) -> &Observer {
        &self.observer
    }

    /// [`sync`](Self::sync) for accessors that cannot fail: on error (an unreadable
    /// file) they show the jar as last read; the next operation reports the error.
    pub fn sync_quietly(&self) {
        let _ = self.sync();
    }

    /// Re-reads the cookie file if it changed (caller holds `file_sync`). A missing
    /// file is an empty jar in a new epoch: deleting the file signs every sharer out.
    fn reload(&self, path: &Path) -> Result<()> {
        let now = cookie_file::identity(path)?;
        if self.lock().disk == now {
            return Ok(());
        }
        let fresh = match cookie_file::read(path)? {
            Some((text, id)) => {
                let mut jar = Jar::default();
                jar.import(&text, &self.origin)
                    .map_err(|e| e.in_file(path))?;
                Some((jar, id))
            }
            None => None,
        };
        let (before, after) = {
            let mut state = self.lock();
            let before = state.jar.session_cookies();
            match fresh {
                Some((jar, id)) => {
                    state.jar = jar;
                    state.disk = Some(id);
                }
                None => {
                    state.jar.next_epoch();
                    state.jar.clear();
                    state.disk = None;
                }
            }
            (before, state.jar.session_cookies())
        };
        // Another process's sign-in or sign-out, told to the client's watches.
        self.observer.jar_replaced(&before, &after);
        Ok(())
    }

    /// Changes the jar, and with a cookie file the file too: under the file's lock,
    /// the file is re-read, `change` applied to what it holds, and the result written
    /// back, so concurrent writers (threads or processes) merge instead of the last
    /// one overwriting the others. `change` must be cheap: it runs under the locks.
    pub fn mutate<T>(&self, change: impl FnOnce(&mut Jar) -> Result<T>) -> Result<T> {
        let Some(path) = &self.cookie_file else {
            return change(&mut self.lock().jar);
        };
        let _order = self.file_sync.lock().unwrap_or_else(|p| p.into_inner());
        let _file = FileLock::acquire(path)?;
        self.reload(path)?;
        let origin = self.origin.clone();
        let (value, text) = {
            let mut state = self.lock();
            let before = state.jar.clone();
            let value = change(&mut state.jar)?;
            // Unchanged and already on disk: leave the file alone.
            let same = state.disk.is_some()
                && before.export(&origin).ok() == state.jar.export(&origin).ok();
            if same {
                return Ok(value);
            }
            match state.jar.export(&origin) {
                Ok(t) => (value, t),
                Err(e) => {
                    state.jar = before;
                    return Err(e);
                }
            }
        };
        let id = cookie_file::write_private_atomic(path, text.as_bytes())?;
        self.lock().disk = id;
        Ok(value)
    }
}
