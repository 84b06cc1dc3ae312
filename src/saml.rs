//! saml (to be written).
