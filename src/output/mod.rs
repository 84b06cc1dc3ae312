//! Delivering credentials. PURE: `render` (env-var lines, process-credentials JSON),
//! `aws_config` (the `--write-aws-config` profiles; its `write` is the I/O),
//! `credentials_file` (line-preserving upsert of a profile; its `write` part is the I/O)
//! and `profile_names` (`--all-profiles` names). I/O: `exec` (run `--exec -- cmd`),
//! `ecs_server` (`--exec --ecs-server`: the child with a container-credentials endpoint; its
//! HTTP is the pure `ecs_server::protocol`) and `stdout` (the one writer of stdout).
//! The AWS credential cache lives in `cache` (the layer below).

pub mod aws_config;
pub mod credentials_file;
pub mod ecs_server;
pub mod exec;
pub mod profile_names;
pub mod render;
pub mod stdout;
