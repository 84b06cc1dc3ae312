//! config_files (to be written).
