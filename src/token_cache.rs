//! token_cache (to be written).
