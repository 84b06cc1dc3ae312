//! okta (to be written).
