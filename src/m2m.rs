//! m2m (to be written).
