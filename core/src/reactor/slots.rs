//! The reactor's table of registered sources: a slab whose keys carry a
//! generation, so that an event still in flight for a socket that left
//! is never taken for the socket that got its slot next.
//!
//! The table holds its sources weakly: what keeps a socket alive while it
//! needs the reactor is its own [`super::Registration`], so that a socket
//! that needs nothing more (passive, nothing queued) is closed when its
//! last handle goes, as a `TcpStream` is, registered or not.

use super::Source;
use mio::Token;
use std::sync::{Arc, Weak};

/// Names a registered source: its slot and the slot's generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Key {
    index: u32,
    generation: u32,
}

impl Key {
    /// The mio token that carries the key through `epoll`.
    pub(crate) fn token(self) -> Token {
        Token(((self.generation as usize) << 32) | self.index as usize)
    }

    /// The key an event's token names.
    pub(crate) fn of(token: Token) -> Key {
        Key {
            index: token.0 as u32,
            generation: (token.0 >> 32) as u32,
        }
    }
}

struct Slot {
    generation: u32,
    source: Option<Weak<dyn Source>>,
}

/// Registered sources by key.
#[derive(Default)]
pub(crate) struct Slots {
    slots: Vec<Slot>,
    free: Vec<u32>,
    len: usize,
}

impl Slots {
    /// Takes a free slot for `source`.
    pub(crate) fn insert(&mut self, source: Weak<dyn Source>) -> Key {
        self.len += 1;
        if let Some(index) = self.free.pop() {
            let slot = &mut self.slots[index as usize];
            slot.source = Some(source);
            return Key {
                index,
                generation: slot.generation,
            };
        }
        let index = self.slots.len() as u32;
        self.slots.push(Slot {
            generation: 0,
            source: Some(source),
        });
        Key {
            index,
            generation: 0,
        }
    }

    /// The source under `key`, if it is still there and alive.
    pub(crate) fn get(&self, key: Key) -> Option<Arc<dyn Source>> {
        let slot = self.slots.get(key.index as usize)?;
        (slot.generation == key.generation)
            .then_some(slot.source.as_ref())
            .flatten()?
            .upgrade()
    }

    /// Frees the slot under `key`; the source it held, if still there.
    pub(crate) fn remove(&mut self, key: Key) -> Option<Weak<dyn Source>> {
        let slot = self.slots.get_mut(key.index as usize)?;
        if slot.generation != key.generation {
            return None;
        }
        let source = slot.source.take()?;
        slot.generation = slot.generation.wrapping_add(1);
        self.free.push(key.index);
        self.len -= 1;
        Some(source)
    }

    /// Empties the table, handing back every source still alive.
    pub(crate) fn drain(&mut self) -> Vec<Arc<dyn Source>> {
        let all = std::mem::take(self);
        all.slots
            .into_iter()
            .filter_map(|s| s.source?.upgrade())
            .collect()
    }

    /// Sources registered.
    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reactor::{Event, Turn};

    struct Nothing;
    impl Source for Nothing {
        fn on_event(&self, _: Event) -> Turn {
            Turn::Done
        }
        fn on_failure(&self, _: crate::Error) {}
    }

    #[test]
    fn a_reused_slot_does_not_answer_to_the_old_key() {
        let mut s = Slots::default();
        let (one, two): (Arc<dyn Source>, Arc<dyn Source>) = (Arc::new(Nothing), Arc::new(Nothing));
        let a = s.insert(Arc::downgrade(&one));
        assert!(s.remove(a).is_some());
        let b = s.insert(Arc::downgrade(&two));
        assert_ne!(a, b);
        assert!(s.get(a).is_none() && s.remove(a).is_none());
        assert!(s.get(Key::of(b.token())).is_some());
        assert_eq!((s.len(), s.drain().len(), s.len()), (1, 1, 0));
    }

    #[test]
    fn a_source_gone_is_not_called_back() {
        let mut s = Slots::default();
        let one: Arc<dyn Source> = Arc::new(Nothing);
        let a = s.insert(Arc::downgrade(&one));
        drop(one);
        assert!(s.get(a).is_none());
        assert!(s.drain().is_empty());
    }
}
