//! The `inet` backend (placeholder until its module lands).
use gen_tcp_core::{CreateOpts, Error, Result, SockAddr, Socket};
use std::time::Duration;

/// `listen` on this backend.
pub fn listen(_port: u16, _c: &CreateOpts) -> Result<Socket> {
    Err(Error::Enotsup)
}

/// `connect` on this backend.
pub fn connect(_addrs: &[SockAddr], _c: &CreateOpts, _timeout: Option<Duration>) -> Result<Socket> {
    Err(Error::Enotsup)
}
