# Divergences no corpus entry can replay, because our side does not answer
# them the same way twice (the replay asserts exact traces). One per line:
# `<signature>  ## <reason>`. `otp-diff run` counts them as listed.
socket join(recv) {ok,str} / {error,timeout}  ## A passive recv waits when the socket turns {active, N}, then bytes arrive: OTP's waiting recv gets them; ours races the active reader (the message or the recv, whichever runs first). backend-socket/src/active.rs and recv.rs: a recv in progress should take the next packet before active delivery starts.
inet flush [{tcp,s,str} only in otp]  ## inet: close/1 on an active socket with a message in flight: whether {tcp, S, _} is already in the mailbox when close returns depends on when our driver delivered it.
inet getopts {error,einval} / {ok,[..]}  ## inet: our own shutdown(read) on an active socket: OTP's port sees the end of stream and closes at once (getopts, shutdown, recv answer einval/closed); ours sees it when the driver next reads, so what a call right after answers depends on timing on our side.
inet join(recv) {error,closed} / {ok,str}  ## inet: a recv waiting when our own shutdown(read) comes, then bytes arrive: which of the two the waiting recv sees first depends on timing (OTP answered either way in different runs).
inet recv error.closed / timeout  ## inet: recv after our own shutdown(read_write) on a passive socket: OTP reads the end of stream (closed); ours answers closed or timeout depending on whether its poll saw the socket readable before the timeout (0) ran out.
inet send error.einval / closed  ## inet: send after our own shutdown(read_write) on an active socket: OTP's port may already be closed by the end of stream it read (einval) or not (closed); timing-dependent on our side.
inet shutdown {error,einval} / ok  ## inet: shutdown(write) after our own shutdown(read) on an active socket: OTP's port has closed on the end of stream (einval); ours not yet (timing on our side).
socket getstat ok.[recv_*.N / pos]  ## socket: recv_cnt after a recv in another process and an owner change: whether the helper's read already happened is timing on our side.
socket join(recv) {error,closed} / {ok,str}  ## socket: a recv waiting when our own shutdown(read) comes, then bytes arrive: timing-dependent (OTP answered either way in different runs).
socket recv error.emsgsize / einval  ## socket: recv right after a {packet,2} header over packet_size arrived (exit_on_close false): ours answers emsgsize or einval depending on whether the active reader... (timing on our side).
