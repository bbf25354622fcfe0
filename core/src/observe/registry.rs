//! The registry of live sockets: what `gen_tcp::sockets()` lists.
//!
//! A socket enters when it is made ([`crate::port::SocketExt::new`]) and
//! leaves when its port is dropped (its `Owner`'s `Watch` is dropped with
//! it). Entries are weak: the registry never keeps a socket open. The
//! sockets are spread over shards by id, so that threads opening and
//! dropping sockets at once seldom wait for each other; nothing else on a
//! socket's way touches the registry.

use crate::port::Port;
use crate::socket::SocketId;
use parking_lot::Mutex;
use std::collections::BTreeMap;
use std::sync::{Arc, Weak};

const SHARDS: usize = 16;

type Shard = Mutex<BTreeMap<u64, Weak<dyn Port>>>;

#[allow(clippy::declare_interior_mutable_const)] // only to repeat it below
const EMPTY: Shard = Mutex::new(BTreeMap::new());
static REGISTRY: [Shard; SHARDS] = [EMPTY; SHARDS];

fn shard(id: u64) -> &'static Shard {
    &REGISTRY[id as usize % SHARDS]
}

/// Lists a socket.
pub(crate) fn insert(id: SocketId, port: Weak<dyn Port>) {
    shard(id.get()).lock().insert(id.get(), port);
}

/// Forgets a socket (its port is being dropped).
pub(crate) fn remove(id: u64) {
    shard(id).lock().remove(&id);
}

/// Every socket still alive, by id (the order they were made in).
pub(crate) fn live() -> Vec<Arc<dyn Port>> {
    let mut ports: Vec<Arc<dyn Port>> = Vec::new();
    for shard in &REGISTRY {
        let entries = shard.lock();
        // Only upgrades under the lock: a port dropped here would take
        // this same lock to leave the registry.
        ports.extend(entries.values().filter_map(Weak::upgrade));
    }
    ports.sort_by_key(|p| p.id());
    ports
}
