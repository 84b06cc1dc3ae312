//! The AWS side. PURE: `sts` (AssumeRoleWithSAML / AssumeRoleWithWebIdentity requests,
//! endpoints and partitions, XML replies), `sigv4` (Signature Version 4), `iam`
//! (ListAccountAliases), `chain` (signed AssumeRole for `--chain-role`), `signin` (console
//! sign-in URL), `eks` (the presigned EKS token of `--format eks-token`). I/O: `client`
//! sends those requests through the run's HTTP agent.

pub mod chain;
pub mod client;
pub mod eks;
pub mod iam;
pub mod signin;
pub mod sigv4;
pub mod sts;
