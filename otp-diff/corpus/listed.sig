# Divergences no corpus entry can replay, because our side does not answer
# them the same way twice (the replay asserts exact traces). One per line:
# `<signature>  ## <reason>`. `otp-diff run` counts them as listed.
inet join(accept) {ok,s} / {error,timeout}  ## Several processes in accept: OTP gives the next connection to the one that has waited longest; ours wakes every waiter (open::accept_within polls, then accept(2)) and whichever thread runs first takes it. Fix: a FIFO of acceptors per listen socket (backend-inet/src/listener.rs, backend-socket/src/port.rs accept).
socket join(accept) {ok,s} / {error,timeout}  ## As on inet: OTP serves acceptors in arrival order; ours, whichever thread wins the race.
inet join(accept) {ok,s} / {error,closed}  ## A connection arrives while a process waits in accept, then the listen socket is closed: OTP's acceptor already has the connection; ours may see the close first (its thread had not run yet). Same fix as the FIFO of acceptors: hand the connection over when it arrives.
socket join(accept) {ok,s} / {error,closed}  ## As on inet.
socket join(recv) {ok,data} / {error,timeout}  ## A passive recv waits when the socket turns {active, N}, then bytes arrive: OTP's waiting recv gets them; ours races the active reader (the message or the recv, whichever runs first). backend-socket/src/active.rs and recv.rs: a recv in progress should take the next packet before active delivery starts.
