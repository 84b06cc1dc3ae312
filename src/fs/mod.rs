//! I/O: files that hold secrets: private directories (0700), atomic replacement (temp file,
//! fsync, rename) with 0600 files, and exclusive lock files with bounded waits; and the one
//! bounded reader for small local files ([`bounded::read_bounded`]).

pub mod atomic_file;
pub mod bounded;
