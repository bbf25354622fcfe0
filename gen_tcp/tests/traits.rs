//! What a Rust user expects of a socket, checked at compile time: a handle
//! that can be cloned and given to another thread, `Read`/`Write` on it and
//! on `&Socket`, `AsFd`/`AsRawFd`; errors that are `std::error::Error` and
//! convert to and from `std::io::Error`.

use gen_tcp::{Error, Socket};
use std::io::{Read, Write};
use std::os::fd::{AsFd, AsRawFd};

fn socket_like<T: Clone + Send + Sync + AsFd + AsRawFd + Read + Write + std::fmt::Debug>() {}
fn io_on_shared_ref<T>()
where
    for<'a> &'a T: Read + Write,
{
}
fn error_like<
    E: std::error::Error + Send + Sync + Clone + From<std::io::Error> + Into<std::io::Error>,
>() {
}

#[test]
fn socket_and_error_have_the_std_traits() {
    socket_like::<Socket>();
    io_on_shared_ref::<Socket>();
    error_like::<Error>();
}
