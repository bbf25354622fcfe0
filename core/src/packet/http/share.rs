//! Owned copies of the pieces of a line.
//!
//! The decoder reads a borrowed buffer, so every string of a packet is a
//! copy; what costs is the number of allocations, not the bytes. A packet
//! with one string copies just it; one with several copies the span that
//! holds them once and hands out zero-copy [`Bytes::slice`]s of it.

use std::ops::Range;

use bytes::Bytes;

/// `src[r]` for each range, as [`Bytes`] with at most one allocation for
/// all of them. An empty (or reversed) range is an empty `Bytes`, and one
/// outside `src` is too: nothing here panics.
pub(super) fn pieces<const N: usize>(src: &[u8], ranges: [Range<usize>; N]) -> [Bytes; N] {
    let full = || ranges.iter().filter(|r| !r.is_empty());
    if full().count() <= 1 {
        return ranges.map(|r| copy(src, r));
    }
    let start = full().map(|r| r.start).min().unwrap_or(0);
    let end = full().map(|r| r.end).max().unwrap_or(0);
    let Some(span) = src.get(start..end) else {
        return ranges.map(|_| Bytes::new());
    };
    let shared = Bytes::copy_from_slice(span);
    // Every non-empty range lies within `start..end`, so each slice does.
    ranges.map(|r| {
        if r.is_empty() {
            Bytes::new()
        } else {
            shared.slice(r.start - start..r.end - start)
        }
    })
}

/// `src[r]` as [`Bytes`], empty when `r` is empty or outside `src`.
pub(super) fn copy(src: &[u8], r: Range<usize>) -> Bytes {
    match src.get(r) {
        Some(piece) if !piece.is_empty() => Bytes::copy_from_slice(piece),
        _ => Bytes::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_are_the_slices_asked_for() {
        let line = b"Host: example.com";
        let [name, value] = pieces(line, [0..4, 6..17]);
        assert_eq!((&name[..], &value[..]), (&b"Host"[..], &b"example.com"[..]));
        let [only, none] = pieces(line, [6..17, 3..3]);
        assert_eq!((&only[..], &none[..]), (&b"example.com"[..], &b""[..]));
        let [a, b, c] = pieces(line, [2..4, 0..4, 17..17]);
        assert_eq!(
            (&a[..], &b[..], &c[..]),
            (&b"st"[..], &b"Host"[..], &b""[..])
        );
    }

    #[test]
    fn ranges_outside_the_line_are_empty_not_a_panic() {
        let [a, b] = pieces(b"abc", [0..2, 2..9]);
        assert!(a.is_empty() && b.is_empty());
        assert!(copy(b"abc", 1..9).is_empty());
        #[allow(clippy::reversed_empty_ranges)]
        let [a, b] = pieces(b"abc", [2..1, 0..1]);
        assert_eq!((&a[..], &b[..]), (&b""[..], &b"a"[..]));
    }
}
