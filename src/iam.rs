//! iam (to be written).
