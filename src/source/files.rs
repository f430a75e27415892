//! Opening the mesh's files without ever blocking on one. A FIFO, socket or device found
//! where a file is expected is refused by its type before it is opened; the open itself is
//! non-blocking and the opened handle's type is checked again, so a file swapped for a FIFO
//! between the look and the open is refused too instead of hanging the build.

use super::ReadError;
use std::fs::{File, FileType};
use std::io::Read;
use std::path::Path;

/// What a FIFO, socket or device is called in findings; `None` for files, folders and links.
pub fn special_kind(file_type: &FileType) -> Option<&'static str> {
    if file_type.is_file() || file_type.is_dir() || file_type.is_symlink() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if file_type.is_socket() {
            return Some("a socket");
        }
        if file_type.is_block_device() {
            return Some("a block device");
        }
        if file_type.is_char_device() {
            return Some("a character device");
        }
    }
    Some("not a regular file")
}

/// Reads the regular file at `path` (a link to one is followed), at most `limit` bytes.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::metadata(path).map_err(io_error)?;
    check_regular(&meta.file_type())?;
    if meta.len() > limit {
        return Err(ReadError::TooLarge(meta.len()));
    }
    read_opened(open_nonblocking(path)?, limit)
}

/// Opens the regular file at `path` for streaming, refusing one larger than `limit` bytes (the
/// reader also stops after `limit` bytes, should the file grow while it is read).
pub fn open_regular(path: &Path, limit: u64) -> Result<std::io::Take<File>, ReadError> {
    let meta = std::fs::metadata(path).map_err(io_error)?;
    check_regular(&meta.file_type())?;
    if meta.len() > limit {
        return Err(ReadError::TooLarge(meta.len()));
    }
    let file = open_nonblocking(path)?;
    check_regular(&file.metadata().map_err(io_error)?.file_type())?;
    Ok(file.take(limit))
}

fn check_regular(file_type: &FileType) -> Result<(), ReadError> {
    if let Some(kind) = special_kind(file_type) {
        return Err(ReadError::Special(kind));
    }
    if file_type.is_dir() {
        return Err(ReadError::Other("is a directory, not a file".into()));
    }
    Ok(())
}

/// Opening a FIFO for reading blocks until a writer appears, unless O_NONBLOCK is set; on a
/// regular file the flag changes nothing. O_NOCTTY keeps a terminal device swapped in from
/// becoming the process's controlling terminal.
fn open_nonblocking(path: &Path) -> Result<File, ReadError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    options.open(path).map_err(io_error)
}

/// The type is checked again on the handle: what was opened is what is read.
fn read_opened(file: File, limit: u64) -> Result<Vec<u8>, ReadError> {
    let meta = file.metadata().map_err(io_error)?;
    check_regular(&meta.file_type())?;
    let mut bytes = Vec::with_capacity(meta.len().min(limit) as usize);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(meta.len().max(bytes.len() as u64)));
    }
    Ok(bytes)
}

fn io_error(e: std::io::Error) -> ReadError {
    match e.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound,
        _ => ReadError::Other(e.to_string()),
    }
}

#[cfg(all(test, unix))]
pub(crate) mod tests {
    use super::*;
    use std::time::Duration;

    /// Makes a FIFO with the system's `mkfifo` (tests only).
    pub(crate) fn mkfifo(path: &Path) {
        let status = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .expect("run mkfifo");
        assert!(status.success(), "mkfifo {}", path.display());
    }

    /// Runs `f` on a thread and fails the test if it has not returned within 10 s.
    fn within_10s<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || tx.send(f()));
        rx.recv_timeout(Duration::from_secs(10))
            .expect("reading must not block")
    }

    #[test]
    fn a_fifo_is_refused_by_its_type() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("meshport.toml");
        mkfifo(&fifo);
        let got = within_10s(move || read_regular(&fifo, 1024));
        assert_eq!(got, Err(ReadError::Special("a FIFO (named pipe)")));
    }

    /// The race: a file replaced by a FIFO after the type was looked at. The open does not
    /// wait for a writer and the handle's own type refuses it.
    #[test]
    fn a_fifo_opened_after_the_look_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("a.odps.yaml");
        mkfifo(&fifo);
        let got = within_10s(move || open_nonblocking(&fifo).and_then(|f| read_opened(f, 1024)));
        assert_eq!(got, Err(ReadError::Special("a FIFO (named pipe)")));
    }

    #[test]
    fn regular_files_are_read_up_to_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.yaml");
        std::fs::write(&file, "0123456789").unwrap();
        assert_eq!(read_regular(&file, 10).unwrap(), b"0123456789");
        assert_eq!(read_regular(&file, 9), Err(ReadError::TooLarge(10)));
        assert_eq!(
            read_regular(dir.path(), 9),
            Err(ReadError::Other("is a directory, not a file".into()))
        );
        assert_eq!(read_regular(&dir.path().join("missing"), 9), Err(ReadError::NotFound));
    }

    #[test]
    fn a_character_device_is_refused_without_reading() {
        let got = within_10s(|| read_regular(Path::new("/dev/zero"), 1024));
        assert_eq!(got, Err(ReadError::Special("a character device")));
    }
}
