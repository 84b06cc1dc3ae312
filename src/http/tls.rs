//! I/O: the roots an agent trusts: the OS store (or `SSL_CERT_FILE` / `SSL_CERT_DIR`),
//! the bundled Mozilla roots when the store is empty, and `AWS_CA_BUNDLE` for AWS calls.

use std::path::Path;

use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig, TlsProvider};

use crate::error::{Error, Result};
use crate::fs::bounded::{CA_BUNDLE_CAP, read_bounded_bytes};

/// Root certificates: the OS store (via `SSL_CERT_FILE` / `SSL_CERT_DIR` of the snapshot
/// when set), else the bundled Mozilla roots. Returns the roots and a label for messages.
///
/// `file` and `dirs`: the values of `SSL_CERT_FILE` and `SSL_CERT_DIR` in the snapshot (not
/// blank); `ssl_cert_file`: the bytes of `SSL_CERT_FILE`, read (bounded) by the caller.
pub(super) fn base_roots(
    file: Option<&str>,
    dirs: Option<&str>,
    ssl_cert_file: Option<&[u8]>,
) -> (Vec<Certificate<'static>>, &'static str) {
    let found: Vec<Vec<u8>> = if file.is_some() || dirs.is_some() {
        let mut certs: Vec<Vec<u8>> = Vec::new();
        if let Some(bytes) = ssl_cert_file {
            certs.extend(ureq::tls::parse_pem(bytes).filter_map(|item| match item {
                Ok(PemItem::Certificate(c)) => Some(c.der().to_vec()),
                _ => None,
            }));
        }
        if let Some(dirs) = dirs {
            for dir in std::env::split_paths(dirs).filter(|d| !d.as_os_str().is_empty()) {
                certs.extend(
                    rustls_native_certs::load_certs_from_paths(None, Some(&dir))
                        .certs
                        .iter()
                        .map(|c| c.as_ref().to_vec()),
                );
            }
        }
        certs
    } else {
        // Reads SSL_CERT_FILE/SSL_CERT_DIR of the process, which main's snapshot equals.
        rustls_native_certs::load_native_certs()
            .certs
            .iter()
            .map(|c| c.as_ref().to_vec())
            .collect()
    };
    let certs: Vec<Certificate<'static>> = found
        .iter()
        .map(|der| Certificate::from_der(der).to_owned())
        .collect();
    if certs.is_empty() {
        (
            Vec::new(),
            "the bundled Mozilla roots, as the OS store had none",
        )
    } else if file.is_some() || dirs.is_some() {
        (certs, "SSL_CERT_FILE/SSL_CERT_DIR")
    } else {
        (certs, "the OS certificate store")
    }
}

/// The bytes of a CA bundle named by `var` (`SSL_CERT_FILE`, `AWS_CA_BUNDLE`): a regular
/// file of at most [`CA_BUNDLE_CAP`] (16 MiB), read without blocking; `Ok(None)` when absent.
pub(super) fn read_ca_file(var: &str, path: &str) -> Result<Option<Vec<u8>>> {
    read_bounded_bytes(Path::new(path), CA_BUNDLE_CAP)
        .map_err(|e| Error::config(format!("{var} {path:?}: cannot read: it {e}")))
}

/// Certificates of the PEM bundle named by `AWS_CA_BUNDLE`.
pub(super) fn aws_ca_bundle(path: &str) -> Result<Vec<Certificate<'static>>> {
    let bytes = read_ca_file("AWS_CA_BUNDLE", path)?.ok_or_else(|| {
        Error::config(format!("AWS_CA_BUNDLE {path:?}: cannot read: no such file"))
    })?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&bytes) {
        match item {
            Ok(PemItem::Certificate(c)) => certs.push(c),
            Ok(_) => {}
            Err(_) => {
                return Err(Error::config(format!(
                    "AWS_CA_BUNDLE {path:?}: not a valid PEM certificate bundle"
                )));
            }
        }
    }
    if certs.is_empty() {
        return Err(Error::config(format!(
            "AWS_CA_BUNDLE {path:?}: no PEM certificates found"
        )));
    }
    Ok(certs)
}

pub(super) fn tls_config(roots: &[Certificate<'static>]) -> TlsConfig {
    let roots = if roots.is_empty() {
        RootCerts::WebPki
    } else {
        RootCerts::new_with_certs(roots)
    };
    TlsConfig::builder()
        .provider(TlsProvider::Rustls)
        .root_certs(roots)
        .build()
}
