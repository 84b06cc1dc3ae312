//! What reaches a person's terminal. PURE: `sanitize` (escape control characters in text
//! from outside). I/O: `prompt` (the IdP/role chooser, device-code banner, QR code, wait
//! indicator, opening the browser).

pub mod chooser;
pub mod sanitize;

pub use chooser as prompt;
