//! crm-server's integration tests: the real axum app, called in-process (tower `oneshot`) or over
//! a loopback port, with JSON snapshots (insta) of every answer class.

mod cli;
mod conn;
mod docs;
mod errors;
mod hardening;
mod leads;
mod loadtest;
mod logs;
mod openapi;
mod protocol;
mod providers;
mod sandbox;
mod store;
mod support;
