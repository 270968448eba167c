//! The HTTP routes.

pub mod health;
pub mod leads;
pub mod meta;
pub mod openapi;
