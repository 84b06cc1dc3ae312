//! credentials_file (to be written).
