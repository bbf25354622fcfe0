//! The byte searches the decoders share, and the count of bytes they look
//! at (read by the test kit to hold the decoders to linear work).
//!
//! A decoder that searches for the end of a packet (`line`, the HTTP types,
//! a long `asn1` tag) reports here how many bytes each search examined.
//! With [`Resume`](super::Resume) a stream of `N` bytes, however it is cut
//! into reads, costs `O(N)` examined bytes in all; the count lets a test
//! assert it without a clock. It is kept only when the `testkit` feature
//! (or a unit test) is on: elsewhere [`examined`] compiles to nothing.

/// The position of the first `needle` in `hay`, eight bytes at a time (the
/// word-at-a-time search of `memchr`, in safe code). Counts the bytes it
/// examined, up to and including a match.
pub(super) fn find_byte(needle: u8, hay: &[u8]) -> Option<usize> {
    let found = find_byte_uncounted(needle, hay);
    examined(found.map_or(hay.len(), |at| at + 1));
    found
}

fn find_byte_uncounted(needle: u8, hay: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let pattern = ONES * u64::from(needle);
    let mut words = hay.chunks_exact(8);
    let mut at = 0;
    for word in &mut words {
        let mut bytes = [0; 8];
        bytes.copy_from_slice(word);
        let x = u64::from_le_bytes(bytes) ^ pattern;
        // A zero byte of `x` is a match. The borrow of the subtraction can
        // only flag bytes above a real match, so the lowest flag is exact.
        let zeros = x.wrapping_sub(ONES) & !x & HIGHS;
        if zeros != 0 {
            return Some(at + zeros.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    words
        .remainder()
        .iter()
        .position(|&b| b == needle)
        .map(|i| at + i)
}

#[cfg(any(test, feature = "testkit"))]
thread_local! {
    static EXAMINED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Records that a search looked at `n` bytes.
#[inline(always)]
pub(super) fn examined(n: usize) {
    #[cfg(any(test, feature = "testkit"))]
    EXAMINED.with(|c| c.set(c.get() + n as u64));
    #[cfg(not(any(test, feature = "testkit")))]
    let _ = n;
}

/// Bytes examined by the searches of this thread so far.
#[cfg(any(test, feature = "testkit"))]
pub(crate) fn examined_so_far() -> u64 {
    EXAMINED.with(|c| c.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_byte_finds_the_first_match_at_every_offset() {
        for len in 0..40 {
            for at in 0..=len {
                let mut hay = vec![b'a'; len];
                // A byte just above the needle and a second match after it
                // check that neither borrows nor later matches are seen.
                if at < len {
                    hay[at] = b'\n';
                    if at + 1 < len {
                        hay[at + 1] = b'\n' + 1;
                    }
                    if at + 3 < len {
                        hay[at + 3] = b'\n';
                    }
                }
                let want = hay.iter().position(|&b| b == b'\n');
                assert_eq!(find_byte(b'\n', &hay), want, "{len} {at}");
            }
        }
        assert_eq!(find_byte(0, &[1, 0, 0, 0, 0, 0, 0, 0, 0]), Some(1));
        assert_eq!(find_byte(0x80, &[0x7f; 17]), None);
        assert_eq!(find_byte(0xff, &[0xfe, 0x01, 0xff]), Some(2));
    }

    #[test]
    fn find_byte_counts_what_it_examined() {
        let before = examined_so_far();
        assert_eq!(find_byte(b'\n', b"abc\ndef"), Some(3));
        assert_eq!(examined_so_far() - before, 4);
        assert_eq!(find_byte(b'\n', b"abcdefghij"), None);
        assert_eq!(examined_so_far() - before, 14);
    }
}
