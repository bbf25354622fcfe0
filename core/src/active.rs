//! The `{active, true | false | once | N}` option and its counter arithmetic.
//!
//! Both backends count the same way (OTP's `inet_drv.c` and
//! `gen_tcp_socket.erl` agree): `{active, N}` on a socket already in
//! `{active, M}` mode adds N to M; the sum must stay in -32768..32767 or the
//! call fails with `einval`; when the counter reaches 0 or below, the socket
//! turns passive and its owner gets `{tcp_passive, Socket}`.

use crate::error::{Error, Result};

/// The activity of a socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Active {
    /// `{active, false}`: passive; data is read with `recv`.
    #[default]
    False,
    /// `{active, true}`: every packet is sent to the owner as a message.
    True,
    /// `{active, once}`: one packet, then passive (no `tcp_passive` message).
    Once,
    /// `{active, N}`: N packets, then passive with a `tcp_passive` message.
    /// As an argument N may be negative; as a state it is always > 0.
    N(i32),
}

/// The smallest value of an `{active, N}` counter.
pub const ACTIVE_MIN: i32 = -32768;
/// The largest value of an `{active, N}` counter.
pub const ACTIVE_MAX: i32 = 32767;

/// The result of applying `setopts([{active, _}])`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActiveChange {
    /// The new state.
    pub now: Active,
    /// True when the owner must be sent `{tcp_passive, Socket}` now.
    pub passive_message: bool,
}

impl Active {
    /// True unless `{active, false}`.
    pub fn is_active(self) -> bool {
        self != Active::False
    }

    /// Applies a `setopts` of `{active, new}` to this state.
    ///
    /// ```
    /// use gen_tcp_core::Active;
    /// let c = Active::N(3).set(Active::N(2)).unwrap();
    /// assert_eq!(c.now, Active::N(5));
    /// let c = Active::N(3).set(Active::N(-3)).unwrap();
    /// assert_eq!((c.now, c.passive_message), (Active::False, true));
    /// assert!(Active::N(32767).set(Active::N(1)).is_err());
    /// ```
    pub fn set(self, new: Active) -> Result<ActiveChange> {
        let Active::N(n) = new else {
            return Ok(ActiveChange {
                now: new,
                passive_message: false,
            });
        };
        if !(ACTIVE_MIN..=ACTIVE_MAX).contains(&n) {
            return Err(Error::Einval);
        }
        let sum = match self {
            Active::N(m) => m as i64 + n as i64,
            _ => n as i64,
        };
        if sum > ACTIVE_MAX as i64 || sum < ACTIVE_MIN as i64 {
            return Err(Error::Einval);
        }
        if sum <= 0 {
            Ok(ActiveChange {
                now: Active::False,
                passive_message: true,
            })
        } else {
            Ok(ActiveChange {
                now: Active::N(sum as i32),
                passive_message: false,
            })
        }
    }

    /// The state after one packet was delivered as a message.
    pub fn after_delivery(self) -> ActiveChange {
        match self {
            Active::Once => ActiveChange {
                now: Active::False,
                passive_message: false,
            },
            Active::N(1) | Active::N(i32::MIN..=0) => ActiveChange {
                now: Active::False,
                passive_message: true,
            },
            Active::N(n) => ActiveChange {
                now: Active::N(n - 1),
                passive_message: false,
            },
            other => ActiveChange {
                now: other,
                passive_message: false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_adds_and_bounds() {
        assert_eq!(Active::True.set(Active::N(4)).unwrap().now, Active::N(4));
        assert_eq!(Active::N(4).set(Active::N(-1)).unwrap().now, Active::N(3));
        assert_eq!(Active::N(1).set(Active::N(32767)), Err(Error::Einval));
        assert_eq!(Active::False.set(Active::N(40000)), Err(Error::Einval));
        assert_eq!(Active::False.set(Active::N(-40000)), Err(Error::Einval));
        let c = Active::False.set(Active::N(0)).unwrap();
        assert_eq!((c.now, c.passive_message), (Active::False, true));
    }

    #[test]
    fn delivery_counts_down_to_passive() {
        let mut a = Active::N(2);
        let c = a.after_delivery();
        assert_eq!((c.now, c.passive_message), (Active::N(1), false));
        a = c.now;
        let c = a.after_delivery();
        assert_eq!((c.now, c.passive_message), (Active::False, true));
        let c = Active::Once.after_delivery();
        assert_eq!((c.now, c.passive_message), (Active::False, false));
        assert_eq!(Active::True.after_delivery().now, Active::True);
    }
}
