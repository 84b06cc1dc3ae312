//! The integration tests: one test binary (`e2e`) with one module per topic.
//!
//! One binary links the library and its dependencies once, where one binary per file linked
//! them once per file. Run one topic with `cargo test --test e2e web::`, one test with its
//! full name (`cargo test --test e2e m2m::b15_ec_key_sec1_and_pkcs8_sign_es256`).
//!
//! [`support`] is the shared harness: the simulated org ([`support::SimOrg`]), the bounded
//! runs of our binary ([`support::run`]), the programs of the test machine
//! ([`support::HostCommand`]), and [`support::Sandbox`] for runs with no network.
//!
//! `tests/exec_child.rs` is a test binary of its own: `exec::run` replaces the process, so it
//! has no libtest harness (see that file).

mod support;

// No network: the command-line surface, settings and the source tree.
mod cli;
mod diagnostics;
mod hostile_files;
mod layers;

// Shells, man pages and scripts of this repository, with our binary.
mod completion;
mod demo_script;
mod manpage;

// The library against servers started by the test: HTTP, TLS, STS at moto.
mod http_agent;
mod http_tls;
mod sts_moto;

// The binary against the simulated org (tests/simorg/simorg.py).
mod all_profiles;
mod authorization_code;
mod aws_extras;
mod cache_hostile_files;
mod cache_min_ttl;
mod cache_single_flight;
mod clear_cache;
mod concurrency;
mod credential_cache;
mod direct;
mod dotenv_trust;
mod ecs_server;
mod eks_token;
mod hints;
mod long_term_keys;
mod m2m;
mod outputs;
mod resilience;
mod root_home;
mod secrets;
mod simorg;
mod web;
mod write_aws_config;

// Our work checked by independent implementations (botocore, the AWS CLI, configparser).
mod credentials_configparser;
mod interop;
mod sigv4;
