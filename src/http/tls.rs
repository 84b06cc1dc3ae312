//! I/O: the roots an agent trusts: the OS store (or `SSL_CERT_FILE` / `SSL_CERT_DIR`),
//! the bundled Mozilla roots when the store is empty, and `AWS_CA_BUNDLE` for AWS calls.
//!
//! Every file named by the environment is read bounded (`crate::fs::bounded`): a FIFO,
//! device or huge file never blocks a run or fills its memory. The files of `SSL_CERT_DIR`
//! are read here, not by `rustls-native-certs`, for that reason ([`cert_dir_certs`]).

use std::path::Path;
use std::sync::{Arc, LazyLock};

use rustls::SignatureScheme;
use rustls::crypto::ring::{cipher_suite as suite, kx_group};
use rustls::crypto::{
    CryptoProvider, GetRandomFailed, KeyProvider, SecureRandom, WebPkiSupportedAlgorithms,
};
use rustls::pki_types::PrivateKeyDer;
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig, TlsProvider};
use webpki::ring as alg;

use crate::error::{Error, Result};
use crate::fs::bounded::{CA_BUNDLE_CAP, read_bounded_bytes};

/// The largest file of `SSL_CERT_DIR` read (16 MiB, as for `SSL_CERT_FILE`).
const CERT_DIR_FILE_CAP: u64 = CA_BUNDLE_CAP;
/// The most bytes read from all `SSL_CERT_DIR` files together (64 MiB).
const CERT_DIR_TOTAL_CAP: u64 = 4 * CA_BUNDLE_CAP;
/// The most entries of one `SSL_CERT_DIR` directory looked at.
const CERT_DIR_MAX_ENTRIES: usize = 100_000;

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
            let dirs: Vec<_> = std::env::split_paths(dirs)
                .filter(|d| !d.as_os_str().is_empty())
                .collect();
            certs.extend(cert_dir_certs(&dirs, CERT_DIR_FILE_CAP, CERT_DIR_TOTAL_CAP));
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

/// The certificates (DER) in the files of the directories `dirs` (`SSL_CERT_DIR`), as
/// OpenSSL's hashed certificate directories hold them: every PEM certificate of every
/// regular file (symlinks followed, each file once), in file-name order. Skipped, as
/// `rustls-native-certs` skips them: what is not a regular file (a FIFO, a device, a
/// directory), what cannot be read, and what is not a PEM certificate. Bounded: a file over
/// `file_cap` bytes is skipped, and so is a file that would take the bytes read from all
/// files over `total_cap`; at most [`CERT_DIR_MAX_ENTRIES`] entries of a directory are
/// looked at. Each file is opened without blocking ([`read_bounded_bytes`]).
fn cert_dir_certs(dirs: &[std::path::PathBuf], file_cap: u64, total_cap: u64) -> Vec<Vec<u8>> {
    let mut certs = Vec::new();
    let mut left = total_cap;
    // (device, inode) of the files read: `openssl rehash` links `<hash>.0` to the file.
    #[cfg(unix)]
    let mut seen: std::collections::HashSet<(u64, u64)> = std::collections::HashSet::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut paths: Vec<std::path::PathBuf> = entries
            .take(CERT_DIR_MAX_ENTRIES)
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        paths.sort();
        for path in paths {
            if left == 0 {
                return certs;
            }
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                // The path's target: a dangling link or an unreadable entry is skipped.
                let Ok(meta) = std::fs::metadata(&path) else {
                    continue;
                };
                if !seen.insert((meta.dev(), meta.ino())) {
                    continue;
                }
            }
            let Ok(Some(bytes)) = read_bounded_bytes(&path, file_cap.min(left)) else {
                continue;
            };
            left -= bytes.len() as u64;
            certs.extend(ureq::tls::parse_pem(&bytes).filter_map(|item| match item {
                Ok(PemItem::Certificate(c)) => Some(c.der().to_vec()),
                _ => None,
            }));
        }
    }
    certs
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

/// The TLS settings of an agent: rustls with [`PROVIDER`], trusting `roots` (the bundled
/// Mozilla roots when empty).
pub(super) fn tls_config(roots: &[Certificate<'static>]) -> TlsConfig {
    let roots = if roots.is_empty() {
        RootCerts::WebPki
    } else {
        RootCerts::new_with_certs(roots)
    };
    TlsConfig::builder()
        .provider(TlsProvider::Rustls)
        .unversioned_rustls_crypto_provider(PROVIDER.clone())
        .root_certs(roots)
        .build()
}

/// The crypto of every TLS connection: rustls's *ring* provider (`default_provider()`) less
/// its ChaCha20-Poly1305 suites (docs/decisions.md#d-tls-suites). Cipher suites, most
/// preferred first: TLS 1.3 AES-256-GCM and AES-128-GCM, then TLS 1.2 ECDHE (ECDSA or RSA)
/// with AES-256-GCM or AES-128-GCM. Key exchange: X25519, P-256, P-384. Certificates and
/// handshake signatures: ECDSA P-256/P-384, Ed25519, RSA PKCS#1 v1.5 and PSS (2048 to 8192
/// bits), as rustls's ring provider verifies them. No TLS client keys ([`RingCrypto`]).
///
/// One value for the run, so agents built from it compare equal in ureq's pool checks.
static PROVIDER: LazyLock<Arc<CryptoProvider>> = LazyLock::new(|| {
    Arc::new(CryptoProvider {
        cipher_suites: vec![
            suite::TLS13_AES_256_GCM_SHA384,
            suite::TLS13_AES_128_GCM_SHA256,
            suite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            suite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            suite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
            suite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        ],
        kx_groups: vec![kx_group::X25519, kx_group::SECP256R1, kx_group::SECP384R1],
        signature_verification_algorithms: SIGNATURE_ALGORITHMS,
        secure_random: &RingCrypto,
        key_provider: &RingCrypto,
    })
});

/// The signature algorithms rustls's ring provider accepts, with the TLS signature schemes
/// each one serves (RFC 8446 section 4.2.3; for TLS 1.2 the curve of an ECDSA scheme is
/// not fixed, so both curves are listed).
const SIGNATURE_ALGORITHMS: WebPkiSupportedAlgorithms = WebPkiSupportedAlgorithms {
    all: &[
        alg::ECDSA_P256_SHA256,
        alg::ECDSA_P256_SHA384,
        alg::ECDSA_P384_SHA256,
        alg::ECDSA_P384_SHA384,
        alg::ED25519,
        alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
        alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
        alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
        alg::RSA_PKCS1_2048_8192_SHA256,
        alg::RSA_PKCS1_2048_8192_SHA384,
        alg::RSA_PKCS1_2048_8192_SHA512,
        alg::RSA_PKCS1_2048_8192_SHA256_ABSENT_PARAMS,
        alg::RSA_PKCS1_2048_8192_SHA384_ABSENT_PARAMS,
        alg::RSA_PKCS1_2048_8192_SHA512_ABSENT_PARAMS,
    ],
    mapping: &[
        (
            SignatureScheme::ECDSA_NISTP384_SHA384,
            &[alg::ECDSA_P384_SHA384, alg::ECDSA_P256_SHA384],
        ),
        (
            SignatureScheme::ECDSA_NISTP256_SHA256,
            &[alg::ECDSA_P256_SHA256, alg::ECDSA_P384_SHA256],
        ),
        (SignatureScheme::ED25519, &[alg::ED25519]),
        (
            SignatureScheme::RSA_PSS_SHA512,
            &[alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY],
        ),
        (
            SignatureScheme::RSA_PSS_SHA384,
            &[alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY],
        ),
        (
            SignatureScheme::RSA_PSS_SHA256,
            &[alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY],
        ),
        (
            SignatureScheme::RSA_PKCS1_SHA512,
            &[alg::RSA_PKCS1_2048_8192_SHA512],
        ),
        (
            SignatureScheme::RSA_PKCS1_SHA384,
            &[alg::RSA_PKCS1_2048_8192_SHA384],
        ),
        (
            SignatureScheme::RSA_PKCS1_SHA256,
            &[alg::RSA_PKCS1_2048_8192_SHA256],
        ),
    ],
};

/// Randomness of [`PROVIDER`], from *ring* as in rustls's ring provider, and no private keys.
#[derive(Debug)]
struct RingCrypto;

impl SecureRandom for RingCrypto {
    fn fill(&self, buf: &mut [u8]) -> std::result::Result<(), GetRandomFailed> {
        use ring::rand::SecureRandom as _;
        ring::rand::SystemRandom::new()
            .fill(buf)
            .map_err(|_| GetRandomFailed)
    }
}

impl KeyProvider for RingCrypto {
    /// Refuses every key. rustls asks for one only to present a TLS client certificate,
    /// which no agent of this program does (no `client_cert` in [`tls_config`]). ring's
    /// `any_supported_type` here would link rustls's signing keys and Ed25519 signing
    /// (13 KB) for nothing; a future client certificate needs it back.
    fn load_private_key(
        &self,
        _key_der: PrivateKeyDer<'static>,
    ) -> std::result::Result<Arc<dyn rustls::sign::SigningKey>, rustls::Error> {
        Err(rustls::Error::General(
            "TLS client certificates are not supported".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tls");

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{FIXTURES}/{name}")).unwrap()
    }

    /// The DER of each certificate of a PEM text.
    fn ders(pem: &[u8]) -> Vec<Vec<u8>> {
        ureq::tls::parse_pem(pem)
            .filter_map(|i| match i {
                Ok(PemItem::Certificate(c)) => Some(c.der().to_vec()),
                _ => None,
            })
            .collect()
    }

    /// The provider is rustls's ring provider less the ChaCha20-Poly1305 suites: the same
    /// AES-GCM suites in the same order, the same key exchanges and signature algorithms.
    #[test]
    fn provider_is_rustls_ring_provider_less_chacha20() {
        let ring = rustls::crypto::ring::default_provider();
        let suites = |p: &CryptoProvider| -> Vec<rustls::CipherSuite> {
            p.cipher_suites.iter().map(|s| s.suite()).collect()
        };
        let without_chacha: Vec<_> = suites(&ring)
            .into_iter()
            .filter(|s| !format!("{s:?}").contains("CHACHA20"))
            .collect();
        assert_eq!(without_chacha.len(), 6);
        assert_eq!(suites(&PROVIDER), without_chacha);
        let groups = |p: &CryptoProvider| -> Vec<rustls::NamedGroup> {
            p.kx_groups.iter().map(|g| g.name()).collect()
        };
        assert_eq!(groups(&PROVIDER), groups(&ring));
        let algs = |a: &WebPkiSupportedAlgorithms| {
            let all: Vec<String> = a.all.iter().map(|v| format!("{v:?}")).collect();
            let mapping: Vec<(SignatureScheme, Vec<String>)> = a
                .mapping
                .iter()
                .map(|(s, v)| (*s, v.iter().map(|v| format!("{v:?}")).collect()))
                .collect();
            (all, mapping)
        };
        assert_eq!(
            algs(&PROVIDER.signature_verification_algorithms),
            algs(&ring.signature_verification_algorithms)
        );
        let mut random = [0u8; 32];
        PROVIDER.secure_random.fill(&mut random).unwrap();
        assert_ne!(random, [0u8; 32]);
        // No client keys: even a well-formed one (the test server's P-256 key) is refused.
        let pem = fixture("test-server-key.pem");
        let der = ureq::tls::parse_pem(&pem)
            .find_map(|i| match i {
                Ok(PemItem::PrivateKey(k)) => Some(k.der().to_vec()),
                _ => None,
            })
            .unwrap();
        let key = PrivateKeyDer::Pkcs8(der.into());
        assert!(PROVIDER.key_provider.load_private_key(key).is_err());
    }

    #[test]
    fn cert_dir_reads_pem_certificates_of_regular_files_bounded() {
        let ca = fixture("test-ca.pem");
        let server = fixture("test-server.pem");
        let (ca_der, server_der) = (ders(&ca), ders(&server));
        assert_eq!((ca_der.len(), server_der.len()), (1, 1));
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("a.pem"), &ca).unwrap();
        // Not certificates: text, a private key, a directory.
        std::fs::write(d.join("b.txt"), "not a certificate\n").unwrap();
        std::fs::write(d.join("c.pem"), fixture("test-server-key.pem")).unwrap();
        std::fs::create_dir(d.join("d.pem")).unwrap();
        // Over the per-file cap: skipped, although it holds a certificate.
        let mut big = server.clone();
        big.extend(vec![b'\n'; 4096]);
        std::fs::write(d.join("e.pem"), &big).unwrap();
        let dirs = vec![d.to_path_buf()];
        assert_eq!(cert_dir_certs(&dirs, 4096, 1 << 20), ca_der);
        // Within the cap it is read.
        let both: Vec<Vec<u8>> = ca_der.iter().chain(&server_der).cloned().collect();
        assert_eq!(cert_dir_certs(&dirs, 8192, 1 << 20), both);
        // The total cap: a.pem fits, e.pem would take the total over it.
        let total = ca.len() as u64 + 100;
        assert_eq!(cert_dir_certs(&dirs, 8192, total), ca_der);
        assert!(cert_dir_certs(&dirs, 8192, 0).is_empty());
        // Missing directories give nothing.
        assert!(cert_dir_certs(&[d.join("missing")], 8192, 1 << 20).is_empty());
    }

    // Unix only: FIFOs, devices and symlinks.
    #[cfg(unix)]
    #[test]
    fn cert_dir_skips_fifos_devices_and_repeated_links_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let ca = fixture("test-ca.pem");
        std::fs::write(d.join("ca.pem"), &ca).unwrap();
        // `openssl rehash` style: a link to the same file is read once.
        std::os::unix::fs::symlink(d.join("ca.pem"), d.join("0a1b2c3d.0")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", d.join("1zero.0")).unwrap();
        std::os::unix::fs::symlink(d.join("nowhere"), d.join("2dangling.0")).unwrap();
        let fifo = d.join("00fifo.pem");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        assert!(made, "mkfifo");
        let (tx, rx) = std::sync::mpsc::channel();
        let dirs = vec![d.to_path_buf()];
        std::thread::spawn(move || {
            let _ = tx.send(cert_dir_certs(&dirs, 1 << 20, 1 << 20));
        });
        let certs = rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("reading SSL_CERT_DIR blocked");
        assert_eq!(certs, ders(&ca));
    }
}
