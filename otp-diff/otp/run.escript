#!/usr/bin/env escript
%% -*- erlang -*-
%%! -kernel logger_level emergency +P 1000000
%%
%% The OTP interpreter of the otp-diff step language (otp-diff/LANGUAGE.md):
%% runs programs on real gen_tcp, on the backend each request names, and
%% prints their normalised traces. The Rust interpreter (otp-diff/src/run.rs)
%% runs the same programs through the gen_tcp crate and must print the same
%% text wherever the two behave alike.
%%
%% Protocol (stdin -> stdout), many programs per BEAM start:
%%   in:  "prog <Id> <inet|socket>" , one step per line , "end"
%%   out: "trace <Id> <inet|socket>" , "<Index> <Result>" per step , "end"
%% Up to PARALLEL programs run at once; traces come out as they finish.
%% EOF on stdin (or a line "quit") ends the run once all are done.
-mode(compile).
-compile([export_all, nowarn_export_all]).

-define(LO, {127,0,0,1}).
-define(PARALLEL, 6).
%% Longest a whole program may run before it is reported as hung.
-define(PROGRAM_LIMIT, 12000).
%% How long `join` waits for a helper's answer.
-define(JOIN_WAIT, 3000).
%% A mailbox is drained once quiet for QUIET ms (at most FLUSH_MAX ms).
-define(QUIET, 100).
-define(FLUSH_MAX, 1500).
%% Peer reads are bounded by this.
-define(PEER_WAIT, 2000).

main(Args) ->
    Parallel = case Args of [N] -> list_to_integer(N); _ -> ?PARALLEL end,
    io:setopts(standard_io, [{encoding, latin1}]),
    Self = self(),
    spawn_link(fun() -> reader(Self, []) end),
    loop(Parallel, 0, false),
    halt(0).

%% ---------------------------------------------------------------------------
%% driver loop

reader(Main, Acc) ->
    case io:get_line("") of
        eof -> Main ! eof;
        Line0 ->
            Line = string:trim(Line0, trailing, "\r\n"),
            case {Line, Acc} of
                {"quit", _} -> Main ! eof;
                {"prog " ++ Hdr, []} ->
                    [Id, B] = string:lexemes(Hdr, " "),
                    reader(Main, {Id, list_to_atom(B), []});
                {"end", {Id, B, Steps}} ->
                    Main ! {prog, Id, B, lists:reverse(Steps)},
                    reader(Main, []);
                {"", _} -> reader(Main, Acc);
                {_, {Id, B, Steps}} -> reader(Main, {Id, B, [Line | Steps]});
                _ -> reader(Main, Acc)
            end
    end.

loop(Parallel, Running, Eof) ->
    case {Eof, Running} of
        {true, 0} -> ok;
        _ ->
            receive
                {prog, Id, B, Steps} when Running < Parallel ->
                    Main = self(),
                    spawn(fun() -> Main ! {done, Id, B, supervise(Steps, B)} end),
                    loop(Parallel, Running + 1, Eof);
                {done, Id, B, Lines} ->
                    Out = ["trace ", Id, " ", atom_to_list(B), "\n",
                           [[L, "\n"] || L <- Lines], "end\n"],
                    io:put_chars(standard_io, Out),
                    loop(Parallel, Running - 1, Eof);
                eof -> loop(Parallel, Running, true)
            end
    end.

%% Runs one program in its own process (it owns the sockets it opens, so
%% they close when it ends) and kills it if it runs too long.
supervise(Steps, B) ->
    Me = self(),
    {Pid, Ref} = spawn_monitor(fun() -> put(sup, Me), program(Steps, B), Me ! {done, self()} end),
    Deadline = erlang:monotonic_time(millisecond) + ?PROGRAM_LIMIT,
    collect(Pid, Ref, Deadline, []).

%% The lines so far; a program that runs past PROGRAM_LIMIT ends with
%% `<Index> hung` at the step it was in (the Rust runner does the same).
collect(Pid, Ref, Deadline, Acc) ->
    Left = max(0, Deadline - erlang:monotonic_time(millisecond)),
    receive
        {line, Pid, L} -> collect(Pid, Ref, Deadline, [L | Acc]);
        {done, Pid} ->
            receive {'DOWN', Ref, _, _, _} -> ok end,
            lists:reverse(Acc);
        {'DOWN', Ref, _, _, Why} ->
            lists:reverse(Acc, [lists:flatten(io_lib:format("~w {program_died,~0p}",
                                                            [length(Acc) + 1, Why]))])
    after Left ->
            exit(Pid, kill),
            lists:reverse(Acc, [integer_to_list(length(Acc) + 1) ++ " hung"])
    end.

program(Steps, B) ->
    Tab = ets:new(roles, [public, set]),
    put(tab, Tab), put(backend, B),
    bind(main, self()),
    run_steps(Steps, 1),
    %% Helpers end with the program.
    [exit(P, kill) || {{role, _}, {proc, P}} <- ets:tab2list(Tab)],
    [catch socket:close(S) || {{role, _}, {peer, S}} <- ets:tab2list(Tab)],
    ok.

run_steps([], _) -> ok;
run_steps([Line | Rest], I) ->
    Res = try step(parse_step(Line))
          catch C:E -> caught(C, E)
          end,
    Text = integer_to_list(I) ++ " " ++ lists:flatten(pr(norm(Res))),
    get(sup) ! {line, self(), Text},
    run_steps(Rest, I + 1).

%% Rust has no exceptions: a raised badarg is `Err(Badarg)` there.
caught(_, badarg) -> {error, badarg};
caught(C, {badarg, _}) -> caught(C, badarg);
caught(C, E) -> {raise, C, shape(E)}.

shape(E) when is_tuple(E), tuple_size(E) > 0, is_atom(element(1, E)) -> element(1, E);
shape(E) when is_atom(E) -> E;
shape(_) -> other.

%% ---------------------------------------------------------------------------
%% parsing: "verb arg arg ..." where each arg is an Erlang term

parse_step(Line) ->
    [Verb | Args] = string:lexemes(Line, " "),
    case Verb of
        "go" ->
            [A | Rest] = Args,
            {go, term(A), string:join(Rest, " ")};
        _ -> {list_to_atom(Verb), [term(A) || A <- Args]}
    end.

term(S) ->
    {ok, Toks, _} = erl_scan:string(S ++ "."),
    {ok, T} = erl_parse:parse_term(Toks),
    T.

%% ---------------------------------------------------------------------------
%% roles: names for sockets, peers and processes, shared by the program's
%% processes

tab() -> get(tab).

bind(Name, V) ->
    ets:insert(tab(), {{role, Name}, V}),
    ets:insert(tab(), {{rev, key(V)}, Name}).

key({'$inet', gen_tcp_socket, _} = S) -> S;
key({peer, S}) -> S;
key({proc, P}) -> P;
key(V) -> V.

role(Name) ->
    case ets:lookup(tab(), {role, Name}) of
        [{_, V}] -> V;
        [] -> throw({no_role, Name})
    end.

sock(Name) ->
    case role(Name) of
        {peer, _} -> throw({not_ours, Name});
        {plisten, _} -> throw({not_ours, Name});
        {proc, _} -> throw({not_ours, Name});
        S -> S
    end.

peer(Name) ->
    case role(Name) of
        {peer, S} -> S;
        _ -> throw({not_peer, Name})
    end.

proc(Name) ->
    case role(Name) of
        {proc, P} -> P;
        P when is_pid(P) -> P;
        _ -> throw({not_proc, Name})
    end.

%% ---------------------------------------------------------------------------
%% the steps

step({go, A, Line}) ->
    try go(A, Line)
    catch throw:T -> T
    end;
step({Verb, Args}) ->
    try do(Verb, Args)
    catch throw:T -> T
    end.

do(listen, [L, Opts]) ->
    case gen_tcp:listen(0, [{inet_backend, get(backend)}, {ip, ?LO} | Opts]) of
        {ok, S} -> bind(L, S), {ok, S};
        E -> E
    end;
do(connect, [S, P, Opts]) -> do(connect, [S, P, Opts, []]);
do(connect, [S, P, Opts, POpts]) ->
    {ok, PL} = socket:open(inet, stream, tcp),
    peer_opts(PL, POpts),
    ok = socket:bind(PL, #{family => inet, addr => loopback, port => 0}),
    ok = socket:listen(PL),
    {ok, #{port := Port}} = socket:sockname(PL),
    R = gen_tcp:connect(?LO, Port, [{inet_backend, get(backend)} | Opts], 2000),
    case R of
        {ok, Sock} ->
            bind(S, Sock),
            case socket:accept(PL, 2000) of
                {ok, PS} -> bind(P, {peer, PS});
                _ -> ok
            end;
        _ -> ok
    end,
    socket:close(PL),
    R;
do(pconnect, [P, L]) -> do(pconnect, [P, L, []]);
do(pconnect, [P, L, POpts]) ->
    case inet:port(sock(L)) of
        {ok, Port} ->
            {ok, PS} = socket:open(inet, stream, tcp),
            peer_opts(PS, POpts),
            case socket:connect(PS, #{family => inet, addr => loopback, port => Port}, 2000) of
                ok -> bind(P, {peer, PS}), ok;
                E -> socket:close(PS), E
            end;
        E -> E
    end;
do(accept, [L, S, T]) ->
    case gen_tcp:accept(sock(L), T) of
        {ok, A} -> bind(S, A), {ok, A};
        E -> E
    end;
do(send, [S, Payload]) ->
    Data = payload(Payload),
    case gen_tcp:send(sock(S), Data) of
        {error, {timeout, Rest}} -> {error, {timeout, rest_shape(Rest, Data)}};
        R -> R
    end;
do(recv, [S, N, T]) -> gen_tcp:recv(sock(S), N, T);
do(setopts, [S, Opts]) -> inet:setopts(sock(S), Opts);
do(getopts, [S, Names]) -> inet:getopts(sock(S), Names);
do(getstat, [S, []]) -> stat_shape(inet:getstat(sock(S)));
do(getstat, [S, Names]) -> stat_shape(inet:getstat(sock(S), Names));
do(shutdown, [S, How]) -> gen_tcp:shutdown(sock(S), How);
do(close, [S]) -> gen_tcp:close(sock(S));
do(ctl, [S, A]) -> gen_tcp:controlling_process(sock(S), proc(A));
do(sockname, [S]) -> inet:sockname(sock(S));
do(peername, [S]) -> inet:peername(sock(S));
do(port, [S]) ->
    case inet:port(sock(S)) of
        {ok, P} when P > 0 -> {ok, port};
        R -> R
    end;
do(sleep, [Ms]) -> timer:sleep(Ms), ok;
do(flush, []) -> flush(erlang:monotonic_time(millisecond) + ?FLUSH_MAX, []);
do(spawn, [A]) ->
    Tab = tab(), B = get(backend),
    Pid = spawn(fun() -> put(tab, Tab), put(backend, B), helper() end),
    bind(A, {proc, Pid}),
    ok;
do(join, [A]) ->
    Pid = proc(A),
    receive {'$res', Pid, R} -> R
    after ?JOIN_WAIT -> still_running
    end;
do('end', [A]) -> stop(A, normal);
do(kill, [A]) -> stop(A, kill);
do(psend, [P, Payload]) ->
    socket:send(peer(P), iolist_to_binary(payload(Payload)), ?PEER_WAIT);
do(precv, [P, N]) ->
    precv(peer(P), N, erlang:monotonic_time(millisecond) + ?PEER_WAIT, <<>>);
do(pshutdown, [P, How]) -> socket:shutdown(peer(P), How);
do(pclose, [P]) -> socket:close(peer(P));
do(preset, [P]) ->
    S = peer(P),
    case socket:setopt(S, {socket, linger}, #{onoff => true, linger => 0}) of
        ok -> socket:close(S);
        E -> E
    end;
do(Verb, Args) -> {bad_step, Verb, length(Args)}.

%% `go A Step`: A runs Step; its answer is printed by `join A`.
go(A, Line) ->
    Pid = proc(A),
    Pid ! {go, self(), Line},
    ok.

helper() ->
    receive
        {go, From, Line} ->
            R = try step(parse_step(Line)) catch C:E -> caught(C, E) end,
            From ! {'$res', self(), R},
            helper();
        stop -> ok
    end.

%% Ends process A: `end` asks it to stop (it does once its call returns),
%% `kill` is exit(Pid, kill). `ok` once it is gone, `busy` if it is still
%% there after a second.
stop(A, How) ->
    Pid = proc(A),
    Ref = monitor(process, Pid),
    case How of
        normal -> Pid ! stop;
        kill -> exit(Pid, kill)
    end,
    receive {'DOWN', Ref, _, _, _} -> ok
    after 1000 -> demonitor(Ref, [flush]), busy
    end.

peer_opts(S, Opts) ->
    [ok = socket:setopt(S, {socket, rcvbuf}, N) || {rcvbuf, N} <- Opts],
    [ok = socket:setopt(S, {socket, sndbuf}, N) || {sndbuf, N} <- Opts],
    ok.

%% Reads until N bytes (not more), or with `eof` until the end of the
%% stream; or an error, or PEER_WAIT.
precv(S, N, Deadline, Acc) ->
    Done = is_integer(N) andalso byte_size(Acc) >= N,
    Left = Deadline - erlang:monotonic_time(millisecond),
    Want = case N of eof -> 0; _ -> N - byte_size(Acc) end,
    if
        Done -> {ok, byte_size(Acc), Acc};
        Left =< 0 -> {timeout, byte_size(Acc), Acc};
        true ->
            case socket:recv(S, Want, Left) of
                {ok, D} -> precv(S, N, Deadline, <<Acc/binary, D/binary>>);
                {error, {R, D}} when is_binary(D) -> precv_end(R, <<Acc/binary, D/binary>>);
                {error, R} -> precv_end(R, Acc)
            end
    end.

precv_end(closed, Acc) -> {eof, byte_size(Acc), Acc};
precv_end(timeout, Acc) -> {timeout, byte_size(Acc), Acc};
precv_end(R, Acc) -> {{error, R}, byte_size(Acc), Acc}.

flush(Deadline, Acc) ->
    Left = max(0, min(?QUIET, Deadline - erlang:monotonic_time(millisecond))),
    receive
        M when element(1, M) =/= '$res', element(1, M) =/= go ->
            flush(Deadline, [M | Acc])
    after Left -> lists:reverse(Acc)
    end.

%% ---------------------------------------------------------------------------
%% payloads

payload({pat, N}) -> pat(N, 0);
payload({pat, N, Seed}) -> pat(N, Seed);
payload(L) when is_list(L) -> [payload_part(E) || E <- L];
payload(B) when is_binary(B) -> B.

payload_part(I) when is_integer(I) -> I;
payload_part(T) -> payload(T).

%% Built by copying, not byte by byte: a 1 MB pattern must take far less
%% than a program's settle windows (a comprehension took ~130 ms, so a
%% helper's `send` of it started after the main process's next steps).
pat(N, Seed) ->
    Alpha = <<"abcdefghijklmnopqrstuvwxyz">>,
    binary:part(binary:copy(Alpha, N div 26 + 2), Seed rem 26, N).

%% `{timeout, Rest}`: the rest as its shape, since how much the kernel
%% took depends on its buffers.
rest_shape(Rest, Data) ->
    R = iolist_size(Rest), W = iolist_size(Data),
    if R == 0 -> {rest, none};
       R >= W -> {rest, all};
       true -> {rest, part}
    end.

%% getstat: byte counts exact, the others as 0 or pos.
stat_shape({ok, L}) ->
    {ok, [{K, case K of
                  recv_oct -> V; send_oct -> V;
                  _ when V == 0 -> 0;
                  _ -> pos
              end} || {K, V} <- L]};
stat_shape(E) -> E.

%% ---------------------------------------------------------------------------
%% normalising and printing (the Rust side prints the same text: term.rs)

norm({'$inet', gen_tcp_socket, _} = S) -> name_of(S, socket);
norm(P) when is_port(P) -> name_of(P, port);
norm(P) when is_pid(P) -> name_of(P, pid);
norm({ok, {Ip, Port}}) when is_tuple(Ip), is_integer(Port), Port > 0 -> {ok, {Ip, port}};
norm(T) when is_tuple(T) -> list_to_tuple([norm(E) || E <- tuple_to_list(T)]);
norm([H | T]) -> [norm(H) | norm(T)];
norm(T) -> T.

name_of(V, Default) ->
    case ets:lookup(tab(), {rev, V}) of
        [{_, Name}] -> Name;
        [] -> Default
    end.

-define(SHORT, 64).

pr(I) when is_integer(I) -> integer_to_list(I);
pr(A) when is_atom(A) -> io_lib:write_atom(A);
pr(B) when is_binary(B) ->
    L = binary_to_list(B),
    if byte_size(B) > ?SHORT -> ["<<#", integer_to_list(byte_size(B)), ":", hash(L), ">>"];
       true ->
            case printable(L) of
                true -> ["<<\"", esc(L), "\">>"];
                false -> ["<<", join([integer_to_list(X) || X <- L]), ">>"]
            end
    end;
pr(T) when is_tuple(T) -> ["{", join([pr(E) || E <- tuple_to_list(T)]), "}"];
pr([]) -> "[]";
pr(L) when is_list(L) ->
    case bytes_list(L) of
        true when length(L) > ?SHORT -> ["[#", integer_to_list(length(L)), ":", hash(L), "]"];
        true ->
            case printable(L) of
                true -> ["\"", esc(L), "\""];
                false -> pr_list(L)
            end;
        false -> pr_list(L)
    end;
pr(_) -> "other".

pr_list(L) ->
    {Items, Tail} = split_improper(L, []),
    case Tail of
        [] -> ["[", join([pr(E) || E <- Items]), "]"];
        _ -> ["[", join([pr(E) || E <- Items]), "|", pr(Tail), "]"]
    end.

split_improper([H | T], Acc) -> split_improper(T, [H | Acc]);
split_improper(Tail, Acc) -> {lists:reverse(Acc), Tail}.

bytes_list([]) -> true;
bytes_list([H | T]) when is_integer(H), H >= 0, H =< 255 -> bytes_list(T);
bytes_list(_) -> false.

printable(L) -> L =/= [] andalso lists:all(fun(C) -> C >= 32 andalso C =< 126 end, L).

esc(L) -> [case C of $" -> "\\\""; $\\ -> "\\\\"; _ -> C end || C <- L].

join([]) -> [];
join([H | T]) -> [H | [[",", E] || E <- T]].

%% FNV-1a, 32 bits, as 8 hex digits.
hash(L) ->
    H = lists:foldl(fun(C, A) -> ((A bxor C) * 16#01000193) band 16#ffffffff end,
                    16#811c9dc5, L),
    lists:flatten(io_lib:format("~8.16.0b", [H])).
