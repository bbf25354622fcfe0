//! What a socket delivers (`Packet` of `recv`, `Data` of `{tcp, S, Data}`)
//! and what `send` takes (`iodata()`).

use crate::packet::HttpPacket;
use bytes::Bytes;

/// One received packet, shaped by `{mode, _}`, `{header, N}` and `{packet, _}`.
///
/// It compares with byte strings whatever its shape, so tests read as the
/// bytes that crossed the wire.
///
/// ```
/// use gen_tcp_core::Data;
/// let list = Data::List(b"abc".to_vec());
/// let bin = Data::Binary(bytes::Bytes::from_static(b"abc"));
/// let headed = Data::Headed(b"a".to_vec(), bytes::Bytes::from_static(b"bc")); // {header, 1}
/// for d in [list, bin, headed] {
///     assert_eq!(d, b"abc");
///     assert_eq!(d.len(), 3);
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Data {
    /// `binary` mode: a binary.
    Binary(Bytes),
    /// `list` mode: a list of bytes (with `{header, N}` too, since a list
    /// with a list tail is still a list).
    List(Vec<u8>),
    /// `binary` mode with `{header, N}`: `[B1, ..., BN | Binary]`.
    Headed(Vec<u8>, Bytes),
    /// An `http*` packet.
    Http(HttpPacket),
}

impl Data {
    /// The bytes of the packet, header included (empty for HTTP packets).
    ///
    /// ```
    /// use gen_tcp_core::Data;
    /// assert_eq!(Data::List(b"ab".to_vec()).to_vec(), b"ab");
    /// ```
    pub fn to_vec(&self) -> Vec<u8> {
        match self {
            Data::Binary(b) => b.to_vec(),
            Data::List(v) => v.clone(),
            Data::Headed(h, b) => {
                let mut v = h.clone();
                v.extend_from_slice(b);
                v
            }
            Data::Http(_) => Vec::new(),
        }
    }

    /// Number of bytes in the packet (0 for HTTP packets).
    ///
    /// ```
    /// assert_eq!(gen_tcp_core::Data::List(vec![1, 2]).len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        match self {
            Data::Binary(b) => b.len(),
            Data::List(v) => v.len(),
            Data::Headed(h, b) => h.len() + b.len(),
            Data::Http(_) => 0,
        }
    }

    /// True when the packet has no bytes.
    ///
    /// ```
    /// assert!(gen_tcp_core::Data::List(vec![]).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The packet as a binary (copies in list mode).
    ///
    /// ```
    /// let b = gen_tcp_core::Data::List(b"hi".to_vec()).into_bytes();
    /// assert_eq!(&b[..], b"hi");
    /// ```
    pub fn into_bytes(self) -> Bytes {
        match self {
            Data::Binary(b) => b,
            other => Bytes::from(other.to_vec()),
        }
    }

    /// The HTTP packet, if this is one.
    ///
    /// ```
    /// assert!(gen_tcp_core::Data::List(vec![]).as_http().is_none());
    /// ```
    pub fn as_http(&self) -> Option<&HttpPacket> {
        match self {
            Data::Http(p) => Some(p),
            _ => None,
        }
    }
}

impl PartialEq<[u8]> for Data {
    fn eq(&self, other: &[u8]) -> bool {
        match self {
            Data::Binary(b) => b.as_ref() == other,
            Data::List(v) => v.as_slice() == other,
            Data::Headed(..) => self.to_vec() == other,
            Data::Http(_) => false,
        }
    }
}

impl PartialEq<&[u8]> for Data {
    fn eq(&self, other: &&[u8]) -> bool {
        self == *other
    }
}

impl<const N: usize> PartialEq<&[u8; N]> for Data {
    fn eq(&self, other: &&[u8; N]) -> bool {
        self == &other[..]
    }
}

/// A byte source `send` takes, like Erlang's `iodata()`: one buffer or a
/// list of buffers, sent in order without being joined first.
///
/// ```
/// use gen_tcp_core::IoData;
/// let parts: [&[u8]; 2] = [b"ab", b"cd"];
/// let mut seen = Vec::new();
/// parts.for_each_chunk(&mut |c| seen.extend_from_slice(c));
/// assert_eq!(seen, b"abcd");
/// assert_eq!("xyz".total_len(), 3);
/// assert_eq!("xyz".single(), Some(&b"xyz"[..]));
/// assert_eq!(parts.single(), None);
/// ```
pub trait IoData {
    /// Calls `f` with each chunk, in order.
    fn for_each_chunk(&self, f: &mut dyn FnMut(&[u8]));

    /// The total number of bytes.
    fn total_len(&self) -> usize {
        let mut n = 0;
        self.for_each_chunk(&mut |c| n += c.len());
        n
    }

    /// The chunks as slices, in order.
    fn slices(&self) -> Vec<&[u8]>;

    /// The bytes, when they are one buffer: `send` then needs no list of
    /// slices (no allocation).
    fn single(&self) -> Option<&[u8]> {
        None
    }
}

macro_rules! one_chunk {
    ($($t:ty),*) => {$(
        impl IoData for $t {
            fn for_each_chunk(&self, f: &mut dyn FnMut(&[u8])) {
                f(AsRef::<[u8]>::as_ref(self))
            }
            fn total_len(&self) -> usize {
                AsRef::<[u8]>::as_ref(self).len()
            }
            fn slices(&self) -> Vec<&[u8]> {
                vec![AsRef::<[u8]>::as_ref(self)]
            }
            fn single(&self) -> Option<&[u8]> {
                Some(AsRef::<[u8]>::as_ref(self))
            }
        }
    )*};
}

one_chunk!([u8], str, String, Vec<u8>, Bytes);

impl<const N: usize> IoData for [u8; N] {
    fn for_each_chunk(&self, f: &mut dyn FnMut(&[u8])) {
        f(self)
    }
    fn slices(&self) -> Vec<&[u8]> {
        vec![self]
    }
    fn single(&self) -> Option<&[u8]> {
        Some(self)
    }
}

impl<T: IoData + ?Sized> IoData for &T {
    fn for_each_chunk(&self, f: &mut dyn FnMut(&[u8])) {
        (**self).for_each_chunk(f)
    }
    fn total_len(&self) -> usize {
        (**self).total_len()
    }
    fn slices(&self) -> Vec<&[u8]> {
        (**self).slices()
    }
    fn single(&self) -> Option<&[u8]> {
        (**self).single()
    }
}

impl<T: IoData> IoData for [T] {
    fn for_each_chunk(&self, f: &mut dyn FnMut(&[u8])) {
        for c in self {
            c.for_each_chunk(f)
        }
    }
    fn slices(&self) -> Vec<&[u8]> {
        self.iter().flat_map(|c| IoData::slices(c)).collect()
    }
}

impl<T: IoData, const N: usize> IoData for [T; N] {
    fn for_each_chunk(&self, f: &mut dyn FnMut(&[u8])) {
        self.as_slice().for_each_chunk(f)
    }
    fn slices(&self) -> Vec<&[u8]> {
        IoData::slices(self.as_slice())
    }
}

impl<T: IoData> IoData for Vec<T> {
    fn for_each_chunk(&self, f: &mut dyn FnMut(&[u8])) {
        self.as_slice().for_each_chunk(f)
    }
    fn slices(&self) -> Vec<&[u8]> {
        IoData::slices(self.as_slice())
    }
}
