//! The code generated from the option table ([`super::table`]): every
//! `match` over options is written once here, as a macro over the rows,
//! so that adding an option is adding a row.
//!
//! A row's per-backend column is one token tree: `x` (the same on both
//! backends) or `[inet, socket]`. [`per_backend!`] turns it into an
//! `[T; 2]` indexed by [`ix`].

use crate::backend::InetBackend;

/// Index of `backend` in a per-backend column.
pub(crate) fn ix(backend: InetBackend) -> usize {
    match backend {
        InetBackend::Inet => 0,
        InetBackend::Socket => 1,
    }
}

/// `[inet, socket]` stays as it is; anything else is the same on both.
macro_rules! per_backend {
    ([$inet:expr, $socket:expr]) => {
        [$inet, $socket]
    };
    ($both:expr) => {
        [$both, $both]
    };
}

/// What OTP 25 reports for a kernel option on a new IPv4 socket:
/// `omitted` (not reported), `positive` (the kernel's own size), or a value.
macro_rules! reported {
    ($V:ident, omitted) => {
        $crate::options::spec::Reported::Omitted
    };
    ($V:ident, positive) => {
        $crate::options::spec::Reported::Positive
    };
    ($V:ident, $v:expr) => {
        $crate::options::spec::Reported::Value(Opt::$V($v))
    };
}

/// The answer of one backend to a round trip, `Same` and the like from
/// [`Answer`](crate::options::spec::Answer).
macro_rules! answers {
    ($ans:tt) => {{
        #[allow(unused_imports)]
        use $crate::options::spec::Answer::*;
        per_backend!($ans)
    }};
}

/// Generates the option types and every per-option `match` from the rows
/// of [`super::table`]. See that module for what each column means.
macro_rules! option_table {
    (
        fields {$(
            $(#[doc = $fdoc:literal])*
            $ferl:ident $fset:ident $FV:ident($fty:ty)
                default $fdef:tt check $fchk:tt getopts $fget:tt $(then $fthen:ident)?
                trip $fsample:tt => $fans:tt;
        )*}
        kernel {$(
            $(#[doc = $kdoc:literal])*
            $kerl:ident $kset:ident $KV:ident($kty:ty)
                at $klevel:ident $knum:ident $(local $klset:tt $klget:tt)?
                default $kdef:tt trip $ksample:tt => $kans:tt;
        )*}
        create {$(
            $(#[doc = $cdoc:literal])*
            $cerl:ident $CV:ident $(($cty:ty))? setopts $cset:tt;
        )*}
        special_opts { $($special_opt:tt)* }
        special_names { $($special_name:tt)* }
    ) => {
        /// One gen_tcp option with its value.
        ///
        /// Each variant names the Erlang option it stands for; kernel
        /// options name the socket option they become. New options are
        /// added in new releases: match with a `_` arm.
        ///
        /// ```
        /// use gen_tcp_core::{Active, Opt, OptName, PacketType};
        /// let opts = [Opt::Binary, Opt::Packet(PacketType::Two), Opt::Active(Active::Once)];
        /// assert_eq!(opts[1].name(), Some(OptName::Packet));
        /// assert_eq!(opts[2].erlang_name(), "active");
        /// ```
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum Opt {
            $(
                #[doc = concat!("`{", stringify!($ferl), ", ", stringify!($fty), "}`.")]
                $(#[doc = $fdoc])*
                $FV($fty),
            )*
            $(
                #[doc = concat!("`{", stringify!($kerl), ", ", stringify!($kty), "}`: `",
                    stringify!($knum), "` at level `", stringify!($klevel), "`.")]
                $(#[doc = $kdoc])*
                $KV($kty),
            )*
            $($special_opt)*
            $(
                $(#[doc = $cdoc])*
                #[doc = ""]
                #[doc = "Only `listen` and `connect` take it."]
                $CV $(($cty))?,
            )*
        }

        /// The name of an option, as `getopts` takes it.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum OptName {
            $(
                #[doc = concat!("`", stringify!($ferl), "`: [`Opt::", stringify!($FV), "`].")]
                $FV,
            )*
            $(
                #[doc = concat!("`", stringify!($kerl), "`: [`Opt::", stringify!($KV), "`].")]
                $KV,
            )*
            $($special_name)*
        }

        impl OptName {
            /// Every option `getopts` knows (without `raw`): the
            /// gen_tcp-level ones, then the kernel ones, then `pktoptions`.
            pub const ALL: &'static [OptName] = &[
                $(OptName::$FV,)* $(OptName::$KV,)* OptName::Pktoptions,
            ];

            /// The Erlang name.
            pub fn erlang_name(&self) -> &'static str {
                match self {
                    $(OptName::$FV => stringify!($ferl),)*
                    $(OptName::$KV => stringify!($kerl),)*
                    OptName::Raw { .. } => "raw",
                    OptName::Pktoptions => "pktoptions",
                }
            }

            /// True for kernel socket options, set on and read from the descriptor.
            pub fn is_kernel(&self) -> bool {
                matches!(self, $(OptName::$KV)|* | OptName::Raw { .. } | OptName::Pktoptions)
            }

            /// The kernel's `(level, option)` for a kernel option of the table.
            pub fn kernel_slot(&self) -> Option<(i32, i32)> {
                match self {
                    $(OptName::$KV => Some((libc::$klevel, libc::$knum)),)*
                    OptName::Raw { level, name, .. } => Some((*level, *name)),
                    _ => None,
                }
            }
        }

        impl Opt {
            /// The option's name (`list` and `binary` are `mode`); `None` for
            /// the options only `listen`/`connect` take.
            pub fn name(&self) -> Option<OptName> {
                match self {
                    $(Opt::$FV(_) => Some(OptName::$FV),)*
                    $(Opt::$KV(_) => Some(OptName::$KV),)*
                    $(Opt::$CV { .. } => None,)*
                    special => special.special_name(),
                }
            }

            /// The Erlang name of the option (`list`, `binary`, `inet`... for
            /// the bare atoms).
            pub fn erlang_name(&self) -> &'static str {
                match self {
                    $(Opt::$CV { .. } => stringify!($cerl),)*
                    Opt::List => "list",
                    Opt::Binary => "binary",
                    other => other.name().map_or("", |n| n.erlang_name()),
                }
            }
        }

        /// The per-socket options gen_tcp interprets itself, one field per
        /// gen_tcp-level option of the table, named as in Erlang.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct SockOpts {
            /// The backend these options belong to (validation differs a little).
            pub backend: InetBackend,
            /// `inet`: `{buffer, _}` was set on this socket, so `recbuf`
            /// no longer raises it (inet_drv; an accepted socket starts
            /// without it, see [`SockOpts::for_accepted`]).
            pub(crate) buffer_set: bool,
            $(
                #[doc = concat!("`{", stringify!($ferl), ", _}`.")]
                $(#[doc = $fdoc])*
                pub $ferl: $fty,
            )*
        }

        impl SockOpts {
            /// The defaults OTP 25 reports for a new socket of `backend`
            /// (`docs/otp-answers.md`, Q1).
            pub fn defaults(backend: InetBackend) -> SockOpts {
                let i = ix(backend);
                SockOpts {
                    backend,
                    buffer_set: false,
                    $($ferl: { let d: [$fty; 2] = per_backend!($fdef); d[i].clone() },)*
                }
            }

            /// Checks a value as OTP's `backend` does, without applying it
            /// (docs/otp-answers.md, Q2): `einval` for a value it refuses.
            pub fn validate(opt: &Opt, backend: InetBackend) -> Result<()> {
                let ok = match opt {
                    $(Opt::$FV(v) => {
                        let check: [fn(&$fty) -> bool; 2] = per_backend!($fchk);
                        check[ix(backend)](v)
                    })*
                    _ => true,
                };
                if ok { Ok(()) } else { Err(Error::Einval) }
            }

            /// Applies a gen_tcp-level option. Returns `Ok(false)` for options
            /// this struct does not hold (kernel or create-only ones). The
            /// `active` arithmetic is the caller's, through [`Active::set`].
            pub fn apply(&mut self, opt: &Opt) -> Result<bool> {
                Self::validate(opt, self.backend)?;
                self.couple_kernel(opt);
                match opt {
                    $(Opt::$FV(v) => {
                        self.$ferl = v.clone();
                        $($fthen(self);)?
                    })*
                    Opt::List => self.mode = Mode::List,
                    Opt::Binary => self.mode = Mode::Binary,
                    _ => return Ok(false),
                }
                Ok(true)
            }

            /// Reads a gen_tcp-level option; `None` for kernel options.
            pub fn get(&self, name: &OptName) -> Option<Opt> {
                match name {
                    $(OptName::$FV => Some(Opt::$FV(self.$ferl.clone())),)*
                    _ => None,
                }
            }

            /// How `getopts` answers for a gen_tcp-level option on `backend`
            /// (the table's `getopts` column).
            pub fn get_rule(backend: InetBackend, name: &OptName) -> GetRule {
                use GetRule::*;
                match name {
                    $(OptName::$FV => {
                        let r: [GetRule; 2] = per_backend!($fget);
                        r[ix(backend)].clone()
                    })*
                    _ => Report,
                }
            }

            $(
                #[doc = concat!("`", stringify!($ferl), "`.")]
                pub fn $ferl(&self) -> $fty {
                    self.$ferl.clone()
                }

                #[doc = concat!("Sets `", stringify!($ferl), "` as `setopts` does: checked for this backend (`einval`), then applied.")]
                pub fn $fset(&mut self, v: $fty) -> Result<()> {
                    self.apply(&Opt::$FV(v)).map(|_| ())
                }
            )*
        }

        /// Sets a kernel option of the table; `Ok(false)` for any other option.
        pub(crate) fn set_kernel(fd: BorrowedFd<'_>, opt: &Opt) -> Result<bool> {
            match opt {
                $(Opt::$KV(v) => KernelValue::set(v, fd, libc::$klevel, libc::$knum)?,)*
                _ => return Ok(false),
            }
            Ok(true)
        }

        /// Reads a kernel option of the table; `Ok(None)` for any other name.
        pub(crate) fn get_kernel(fd: BorrowedFd<'_>, name: &OptName) -> Result<Option<Opt>> {
            Ok(Some(match name {
                $(OptName::$KV => Opt::$KV(<$kty as KernelValue>::get(fd, libc::$klevel, libc::$knum)?),)*
                _ => return Ok(None),
            }))
        }

        /// The table's rule for `opt` in `setopts` on `backend`, `local`
        /// for a unix socket: its `local` column for kernel options, its
        /// `setopts` column for create-only ones.
        pub(crate) fn set_rule(backend: InetBackend, opt: &Opt, local: bool) -> SetRule {
            use SetRule::*;
            #[allow(unused_variables)]
            let i = ix(backend);
            match opt {
                $($(Opt::$KV(_) if local => {
                    let r: [SetRule; 2] = per_backend!($klset);
                    r[i].clone()
                })?)*
                $(Opt::$CV { .. } => {
                    let r: [SetRule; 2] = per_backend!($cset);
                    r[i].clone()
                })*
                _ => Apply,
            }
        }

        /// The table's `getopts` rule on a unix socket (its `local` column).
        pub(crate) fn local_get_rule(name: &OptName) -> GetRule {
            use GetRule::*;
            match name {
                $($(OptName::$KV => $klget,)?)*
                _ => Report,
            }
        }

        /// The table as data: what OTP 25 answers for each option.
        // A sample is one token tree: `(Active::Once)` keeps its parentheses.
        #[allow(unused_parens)]
        pub(crate) fn specs() -> Vec<spec::OptSpec> {
            use spec::{OptKind, OptSpec, Reported};
            vec![
                $(OptSpec {
                    name: OptName::$FV,
                    kind: OptKind::Field,
                    default: {
                        let d: [$fty; 2] = per_backend!($fdef);
                        let g = [SockOpts::get_rule(InetBackend::Inet, &OptName::$FV),
                                 SockOpts::get_rule(InetBackend::Socket, &OptName::$FV)];
                        let [a, b] = d;
                        [Reported::of(&g[0], Opt::$FV(a)), Reported::of(&g[1], Opt::$FV(b))]
                    },
                    sample: Opt::$FV($fsample),
                    round_trip: answers!($fans),
                },)*
                $(OptSpec {
                    name: OptName::$KV,
                    kind: OptKind::Kernel { level: libc::$klevel, option: libc::$knum },
                    default: per_backend!(reported!($KV, $kdef)),
                    sample: Opt::$KV($ksample),
                    round_trip: answers!($kans),
                },)*
            ]
        }

        /// One typed method pair per option of the table, on a socket:
        /// `s.nodelay()?` reads `{nodelay, _}` (`None` where the backend
        /// leaves it out of `getopts`), `s.set_nodelay(true)?` is
        /// `setopts(S, [{nodelay, true}])`.
        ///
        /// ```
        /// use gen_tcp_core::TypedOpts;
        /// # fn demo(s: &gen_tcp_core::Socket) -> gen_tcp_core::Result<()> {
        /// s.set_nodelay(true)?;
        /// assert_eq!(s.nodelay()?, Some(true));
        /// # Ok(()) }
        /// ```
        pub trait TypedOpts {
            /// `inet:setopts/2` with one option.
            fn setopt(&self, opt: Opt) -> Result<()>;
            /// `inet:getopts/2` with one name: `None` when left out.
            fn getopt(&self, name: OptName) -> Result<Option<Opt>>;
            $(
                #[doc = concat!("`getopts(S, [", stringify!($ferl), "])`.")]
                fn $ferl(&self) -> Result<Option<$fty>> {
                    Ok(match self.getopt(OptName::$FV)? {
                        Some(Opt::$FV(v)) => Some(v),
                        _ => None,
                    })
                }
                #[doc = concat!("`setopts(S, [{", stringify!($ferl), ", V}])`.")]
                fn $fset(&self, v: $fty) -> Result<()> {
                    self.setopt(Opt::$FV(v))
                }
            )*
            $(
                #[doc = concat!("`getopts(S, [", stringify!($kerl), "])`.")]
                fn $kerl(&self) -> Result<Option<$kty>> {
                    Ok(match self.getopt(OptName::$KV)? {
                        Some(Opt::$KV(v)) => Some(v),
                        _ => None,
                    })
                }
                #[doc = concat!("`setopts(S, [{", stringify!($kerl), ", V}])`.")]
                fn $kset(&self, v: $kty) -> Result<()> {
                    self.setopt(Opt::$KV(v))
                }
            )*
        }
    };
}

pub(crate) use {answers, option_table, per_backend, reported};
