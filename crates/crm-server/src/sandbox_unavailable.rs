//! `--sandbox` in a build without the `sandbox` feature: the simulators are not in this binary,
//! so asking for them is a clear start-up error.

use crate::registry::ConnectorFactory;
use crate::store::Store;
use std::net::SocketAddr;

/// Never constructed: this build has no simulators.
#[derive(Debug)]
pub enum Sandbox {}

/// Refuses: this binary was built without the simulators.
pub async fn start(_: &Store, _: &dyn ConnectorFactory) -> std::io::Result<Sandbox> {
    Err(std::io::Error::other(
        "this crm-server was built without the `sandbox` feature (no simulators in the binary); build it with the default features to run --sandbox",
    ))
}

impl Sandbox {
    pub fn banner(&self, _: SocketAddr) -> String {
        match *self {}
    }

    pub async fn shutdown(self) {
        match self {}
    }
}
