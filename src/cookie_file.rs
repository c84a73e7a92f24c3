//! File I/O for the cookie file (and CA files): bounded reads of regular files only,
//! private atomic writes, the cross-process lock, and the identity that tells a client
//! another process rewrote the file.
//!
//! The cookie file is a store shared by every client and process that names it (the
//! CLI, a daemon, forked workers). Writers take an advisory lock on a sibling lock file
//! (`.NAME.lock`), re-read the file, merge and rename a new file into place, so a
//! reader never sees half a file and no writer loses another's cookies. Readers need no
//! lock: every write is a rename, so an open file is always whole.

use crate::error::{Error, Result};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Why [`read_regular_file`] failed.
pub(crate) enum ReadError {
    Io(std::io::Error),
    /// A device, FIFO, socket or directory: `/dev/zero` would never end, a FIFO would
    /// block forever waiting for a writer.
    NotRegular,
    TooLarge,
}

/// Opens `path` for reading without blocking on a FIFO and without following a
/// symlink in the last component when `nofollow` is set.
fn open_for_read(path: &Path, nofollow: bool) -> std::io::Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK: opening a FIFO for reading returns at once instead of waiting
        // for a writer; regular files ignore the flag.
        let mut flags = libc::O_NONBLOCK;
        if nofollow {
            flags |= libc::O_NOFOLLOW;
        }
        opts.custom_flags(flags);
    }
    #[cfg(not(unix))]
    let _ = nofollow;
    opts.open(path)
}

/// Reads a regular file of at most `limit` bytes. Anything else (FIFO, device,
/// directory) is refused before it is read, and without blocking. The limit is
/// enforced on what is read, not on what the file system reports, so a file that grows
/// meanwhile cannot exhaust memory.
pub(crate) fn read_regular_file(
    path: &Path,
    limit: u64,
) -> std::result::Result<Vec<u8>, ReadError> {
    // Checked before `open` too: on a platform without O_NONBLOCK the open itself
    // would block on a FIFO.
    if !std::fs::metadata(path).map_err(ReadError::Io)?.is_file() {
        return Err(ReadError::NotRegular);
    }
    let file = open_for_read(path, false).map_err(ReadError::Io)?;
    // And after it, on the descriptor: the path may have been swapped in between.
    if !file.metadata().map_err(ReadError::Io)?.is_file() {
        return Err(ReadError::NotRegular);
    }
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge);
    }
    Ok(bytes)
}

/// A cookie file larger than this is refused (a real jar is a few KiB).
pub(crate) const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// What identifies one version of the file: every write renames a new inode into
/// place, so (device, inode, size, mtime) changes whenever any process wrote it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Identity {
    dev: u64,
    ino: u64,
    len: u64,
    mtime_ns: i128,
}

impl Identity {
    fn of(meta: &std::fs::Metadata) -> Identity {
        #[cfg(unix)]
        let (dev, ino) = {
            use std::os::unix::fs::MetadataExt;
            (meta.dev(), meta.ino())
        };
        #[cfg(not(unix))]
        let (dev, ino) = (0, 0);
        let mtime_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_nanos() as i128)
            .unwrap_or(-1);
        Identity {
            dev,
            ino,
            len: meta.len(),
            mtime_ns,
        }
    }
}

/// The identity of the file now: `None` when it does not exist. One `stat`: cheap
/// enough to run before every request.
pub(crate) fn identity(path: &Path) -> Result<Option<Identity>> {
    match std::fs::metadata(path) {
        Ok(m) => Ok(Some(Identity::of(&m))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(
            format!("cannot read the cookie file {}", path.display()),
            e,
        )),
    }
}

/// Reads the cookie file: `None` when it does not exist, else its text and the
/// identity of the version read (taken from the open descriptor, so the two match).
pub(crate) fn read(path: &Path) -> Result<Option<(String, Identity)>> {
    let file = match open_for_read(path, false) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(Error::io(
                format!("cannot read the cookie file {}", path.display()),
                e,
            ));
        }
    };
    let meta = file
        .metadata()
        .map_err(|e| Error::io(format!("cannot read the cookie file {}", path.display()), e))?;
    if !meta.is_file() {
        return Err(not_regular(path));
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(format!("cannot read the cookie file {}", path.display()), e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(path));
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        Error::invalid(format!(
            "the cookie file {} is not valid UTF-8",
            path.display()
        ))
    })?;
    Ok(Some((text, Identity::of(&meta))))
}

fn not_regular(path: &Path) -> Error {
    Error::invalid(format!(
        "the cookie file {} is not a regular file",
        path.display()
    ))
}

fn too_large(path: &Path) -> Error {
    Error::invalid(format!(
        "the cookie file {} is larger than {MAX_FILE_BYTES} bytes",
        path.display()
    ))
}

/// Reads a cookie file that must exist, refusing special and oversized files.
pub(crate) fn read_existing(path: &Path) -> Result<String> {
    let bytes = read_regular_file(path, MAX_FILE_BYTES).map_err(|e| match e {
        ReadError::Io(e) => Error::io(format!("cannot read the cookie file {}", path.display()), e),
        ReadError::NotRegular => not_regular(path),
        ReadError::TooLarge => too_large(path),
    })?;
    String::from_utf8(bytes).map_err(|_| {
        Error::invalid(format!(
            "the cookie file {} is not valid UTF-8",
            path.display()
        ))
    })
}

fn dir_and_name(path: &Path) -> Result<(PathBuf, &std::ffi::OsStr)> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| Error::invalid("the cookie file path has no file name"))?;
    Ok((dir, name))
}

/// A name nobody can guess in advance: the standard library's per-process random
/// hash keys, applied to the process id, a counter and the clock. Exclusive creation
/// is what makes the temporary file safe; the randomness only keeps a hostile local
/// user from pre-creating the name to make writes fail.
fn unpredictable_suffix() -> String {
    use std::hash::{BuildHasher, Hasher};
    static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    h.write_u64(SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    if let Ok(d) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        h.write_u128(d.as_nanos());
    }
    format!("{:016x}", h.finish())
}

/// Creates a new private file that did not exist (`O_CREAT|O_EXCL`, which also
/// refuses a symlink planted at the name, plus `O_NOFOLLOW`), mode 0600.
fn create_private_new(path: &Path) -> std::io::Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    opts.open(path)
}

/// Writes `contents` to `path` atomically with mode 0600: a new temporary file with an
/// unpredictable name in the same directory, created exclusively, flushed and synced,
/// then renamed over the target. A crash mid-write leaves the old file intact. Returns
/// the identity of the file written.
pub(crate) fn write_private_atomic(path: &Path, contents: &[u8]) -> Result<Option<Identity>> {
    let (dir, file_name) = dir_and_name(path)?;
    let fail = |e: std::io::Error| {
        Error::io(
            format!("cannot write the cookie file {}", path.display()),
            e,
        )
    };
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(file_name);
    tmp_name.push(format!(".{}.tmp", unpredictable_suffix()));
    let tmp = dir.join(tmp_name);
    let mut f = create_private_new(&tmp).map_err(fail)?;
    let result = (|| -> std::io::Result<Identity> {
        #[cfg(unix)]
        {
            // The umask may have narrowed the mode further; never wider than 0600.
            use std::os::unix::fs::PermissionsExt;
            f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        f.write_all(contents)?;
        f.sync_all()?;
        let id = Identity::of(&f.metadata()?);
        std::fs::rename(&tmp, path)?;
        Ok(id)
    })();
    drop(f);
    match result {
        Ok(id) => Ok(Some(id)),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(fail(e))
        }
    }
}

/// An exclusive advisory lock on the cookie file's sibling `.NAME.lock`, held while a
/// writer re-reads, merges and replaces the file. Released on drop. The lock file is
/// never deleted (deleting it would let two writers lock different inodes).
pub(crate) struct FileLock {
    _file: std::fs::File,
}

impl FileLock {
    /// Blocks until the lock is held. Other writers hold it only for a read, a merge
    /// and a write of a few KiB.
    pub(crate) fn acquire(path: &Path) -> Result<FileLock> {
        let (dir, name) = dir_and_name(path)?;
        let mut lock_name = std::ffi::OsString::from(".");
        lock_name.push(name);
        lock_name.push(".lock");
        let lock_path = dir.join(lock_name);
        let fail = |e: std::io::Error| {
            Error::io(format!("cannot lock the cookie file {}", path.display()), e)
        };
        let mut opts = std::fs::OpenOptions::new();
        opts.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600)
                .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
        }
        let file = opts.open(&lock_path).map_err(fail)?;
        if !file.metadata().map_err(fail)?.is_file() {
            return Err(Error::invalid(format!(
                "the lock file {} is not a regular file",
                lock_path.display()
            )));
        }
        file.lock().map_err(fail)?;
        Ok(FileLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn special_and_oversized_files_are_refused() {
        assert!(matches!(
            read_regular_file(Path::new("/dev/zero"), 10),
            Err(ReadError::NotRegular)
        ));
        assert!(matches!(
            read_regular_file(Path::new("/"), 10),
            Err(ReadError::NotRegular)
        ));
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"12345").unwrap();
        assert!(matches!(read_regular_file(&p, 4), Err(ReadError::TooLarge)));
        assert_eq!(read_regular_file(&p, 5).ok().unwrap(), b"12345");
        let e = read_existing(Path::new("/dev/zero")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        let e = read(Path::new("/dev/zero")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        assert!(read(&dir.path().join("missing")).unwrap().is_none());
    }

    /// A FIFO at the path fails at once instead of blocking until a writer appears.
    /// (Before the fix `open` blocked forever; the test runs the read on a thread and
    /// unblocks it by opening the FIFO for writing if it is still stuck.)
    #[cfg(unix)]
    #[test]
    fn fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("jar.json");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo");
        assert!(status.success());
        for which in 0..2 {
            let (tx, rx) = std::sync::mpsc::channel();
            let p = fifo.clone();
            let t = std::thread::spawn(move || {
                let r = if which == 0 {
                    read_existing(&p).map(|_| ())
                } else {
                    read(&p).map(|_| ())
                };
                tx.send(r.map_err(|e| e.kind())).unwrap();
            });
            let got = rx.recv_timeout(std::time::Duration::from_secs(5));
            if got.is_err() {
                // Stuck in open(): release it so the test process can finish.
                let _ = std::fs::OpenOptions::new().write(true).open(&fifo);
            }
            t.join().unwrap();
            assert_eq!(
                got.expect("reading a FIFO blocked"),
                Err(ErrorKind::InvalidArgument)
            );
        }
    }

    #[test]
    fn atomic_write_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("jar.json");
        let a = write_private_atomic(&p, b"one").unwrap();
        let b = write_private_atomic(&p, b"two").unwrap();
        assert_ne!(a, b, "every write is a new version");
        assert_eq!(identity(&p).unwrap(), b);
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }

    /// A symlink planted at any name the writer might use is never followed: the
    /// target keeps its contents and mode.
    #[cfg(unix)]
    #[test]
    fn planted_symlinks_are_not_followed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"precious").unwrap();
        std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o644)).unwrap();
        let p = dir.path().join("jar.json");
        // The names the old code used (`.jar.json.<pid>.<seq>.tmp`) for many seqs.
        for seq in 0..64 {
            let name = format!(".jar.json.{}.{seq}.tmp", std::process::id());
            std::os::unix::fs::symlink(&victim, dir.path().join(name)).unwrap();
        }
        for _ in 0..8 {
            write_private_atomic(&p, b"cookies").unwrap();
        }
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        let mode = std::fs::metadata(&victim).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644);
        // A symlink at the lock file's name is refused, not followed.
        std::os::unix::fs::symlink(&victim, dir.path().join(".jar.json.lock")).unwrap();
        assert!(FileLock::acquire(&p).is_err());
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    }

    #[test]
    fn lock_excludes_other_holders() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("jar.json");
        let held = FileLock::acquire(&p).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let p2 = p.clone();
        let t = std::thread::spawn(move || {
            let _l = FileLock::acquire(&p2).unwrap();
            tx.send(()).unwrap();
        });
        // The second holder cannot get in while the first holds the lock...
        assert!(
            rx.recv_timeout(std::time::Duration::from_millis(200))
                .is_err()
        );
        drop(held);
        // ...and gets in once it is released.
        rx.recv_timeout(std::time::Duration::from_secs(5)).unwrap();
        t.join().unwrap();
    }
}
