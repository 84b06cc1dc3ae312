//! I/O: files that hold secrets: private directories (0700), atomic replacement (temp file,
//! fsync, rename) with 0600 files, and exclusive lock files with bounded waits; the one
//! bounded reader for small local files ([`bounded::read_bounded`]); the checked opening of
//! the private cache files ([`private`]); who owns what a run as root creates under HOME
//! ([`owner`]); and a short-lived private file another program reads by its path
//! ([`scratch`]).

pub mod atomic_file;
pub mod bounded;
pub mod owner;
pub mod private;
pub mod scratch;
