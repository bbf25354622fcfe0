//! The scenarios, one module per area of the reference page.

pub mod accept;
pub mod active;
pub mod active_flow;
pub mod addresses;
pub mod basics;
pub mod close;
pub mod concurrency;
pub mod differences;
pub mod errors;
pub mod exit_on_close;
pub mod io_traits;
pub mod mailbox;
pub mod option_table;
pub mod options;
pub mod ownership;
pub mod packet;
pub mod recv;
pub mod send;
pub mod send_queue;
pub mod shutdown;
pub mod stats;

/// Every scenario, in report order.
pub fn all() -> Vec<crate::Scenario> {
    let mut v = Vec::new();
    v.extend(basics::list());
    v.extend(recv::list());
    v.extend(send::list());
    v.extend(active::list());
    v.extend(ownership::list());
    v.extend(shutdown::list());
    v.extend(accept::list());
    v.extend(option_table::list());
    v.extend(options::all());
    v.extend(packet::list());
    v.extend(differences::list());
    v.extend(errors::list());
    v.extend(addresses::list());
    v.extend(io_traits::list());
    v.extend(send_queue::list());
    v.extend(close::list());
    v.extend(active_flow::list());
    v.extend(exit_on_close::list());
    v.extend(stats::list());
    v.extend(concurrency::list());
    v.extend(mailbox::list());
    v
}
