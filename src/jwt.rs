//! jwt (to be written).
