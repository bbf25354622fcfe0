#!/usr/bin/env escript
%% -*- erlang -*-
%%! -kernel logger_level emergency
%%
%% Conformance probe: asks the installed Erlang/OTP what gen_tcp answers in a
%% list of edge cases, for both backends ({inet_backend, inet} and
%% {inet_backend, socket}).  Loopback only, ephemeral ports, bounded waits.
%%
%% Usage:
%%   escript conformance/otp/probe.escript            % all questions, text
%%   escript conformance/otp/probe.escript q3 q5      % selected questions
%%   escript conformance/otp/probe.escript md [qN..]  % markdown table rows
%%
%% Every recorded value is an exact Erlang term printed with io_lib:print
%% (same as ~p, single line).  Socket handles are replaced by the atoms
%% 'L' (listen socket), 'C' (connecting client), 'S' (accepted socket) so
%% that the two backends can be compared; elapsed times are rounded to
%% 50 ms buckets only where explicitly marked "ms".
-mode(compile).
-compile([export_all, nowarn_export_all]).

-define(R(K, Expr), r(K, g(fun() -> Expr end))).
-define(LO, {127,0,0,1}).

main(Args0) ->
    {Md, Args} = case Args0 of ["md" | T] -> {true, T}; _ -> {false, Args0} end,
    All = [q3, q4, q5, q6, q2, q1, q10, q8, q7, q9, q11, q12, q14, q15, q16, q13, q17, q18],
    Qs = case Args of [] -> All; _ -> [list_to_atom(A) || A <- Args] end,
    ets:new(probe_res, [named_table, public, ordered_set]),
    {ok, Kvsn} = (fun() -> application:load(kernel),
                            application:get_key(kernel, vsn) end)(),
    Hdr = io_lib:format("otp_release=~s kernel=~s erts=~s os=~p",
                        [erlang:system_info(otp_release), Kvsn,
                         erlang:system_info(version), os:type()]),
    lists:foreach(
      fun(Q) ->
              lists:foreach(fun(B) -> run_probe(Q, B) end, [inet, socket])
      end, Qs),
    report(Md, lists:flatten(Hdr)),
    halt(0).

%% ---------------------------------------------------------------------------
%% infrastructure

run_probe(Q, B) ->
    Parent = self(),
    {Pid, Ref} = spawn_monitor(
                   fun() ->
                           put(backend, B), put(q, Q), put(socks, []), put(seen, #{}),
                           try ?MODULE:Q(B)
                           catch C:E:St -> r("probe_crash", {C, E, hd(St)})
                           end,
                           Parent ! {done, self()}
                   end),
    receive
        {done, Pid} -> receive {'DOWN', Ref, _, _, _} -> ok end;
        {'DOWN', Ref, _, _, Why} ->
            put(backend, B), put(q, Q), put(seen, #{}), r("probe_died", Why)
    after 60000 ->
            exit(Pid, kill),
            put(backend, B), put(q, Q), put(socks, []), put(seen, #{}),
            r("probe_timeout_60s", timeout)
    end.

r(Key0, Term) ->
    B = get(backend), Q = get(q),
    Seen = case get(seen) of undefined -> #{}; SM -> SM end,
    Nk = maps:get(Key0, Seen, 0) + 1,
    put(seen, Seen#{Key0 => Nk}),
    Key = case Nk of 1 -> Key0; _ -> Key0 ++ " [" ++ integer_to_list(Nk) ++ "]" end,
    T = norm(Term, case get(socks) of undefined -> []; X -> X end),
    S = lists:flatten(io_lib:print(T, 1, 100000000, 200)),
    ets:insert(probe_res, {erlang:unique_integer([monotonic, positive]),
                           atom_to_list(Q), Key, B, S}),
    io:format(standard_error, "~s ~s ~s: ~s~n", [Q, B, Key, S]),
    Term.

g(F) ->
    try F() catch C:E -> {caught, C, E} end.

socks(L) -> put(socks, L).

norm(T, Map) ->
    case lists:keyfind(T, 1, Map) of
        {_, A} -> A;
        false -> norm2(T, Map)
    end.
norm2(T, M) when is_tuple(T) -> list_to_tuple([norm(E, M) || E <- tuple_to_list(T)]);
norm2([H | T], M) -> [norm(H, M) | norm(T, M)];
norm2(T, _) -> T.

report(Md, Hdr) ->
    Rows = ets:tab2list(probe_res),
    %% group by {Q, Key} preserving order of first appearance
    {Order, Map} = lists:foldl(
                     fun({_, Q, K, B, S}, {O, M}) ->
                             Id = {Q, K},
                             O2 = case maps:is_key(Id, M) of true -> O; false -> [Id | O] end,
                             M2 = maps:update_with(Id, fun(V) -> V#{B => S} end, #{B => S}, M),
                             {O2, M2}
                     end, {[], #{}}, Rows),
    io:format("~s~n", [Hdr]),
    lists:foreach(
      fun({Q, K} = Id) ->
              V = maps:get(Id, Map),
              I = maps:get(inet, V, "-"), So = maps:get(socket, V, "-"),
              case Md of
                  true ->
                      Same = case I =:= So of true -> " (same)"; false -> "" end,
                      io:format("| ~s | `~s` | `~s` | ~s |~n",
                                [K, esc(I), esc(So), Same]);
                  false ->
                      case I =:= So of
                          true -> io:format("~s ~s~n  both:   ~s~n", [Q, K, I]);
                          false -> io:format("~s ~s~n  inet:   ~s~n  socket: ~s~n",
                                             [Q, K, I, So])
                      end
              end
      end, lists:reverse(Order)).

esc(S) -> lists:flatmap(fun($|) -> "\\|"; ($\n) -> " "; (C) -> [C] end, S).

sleep(T) -> timer:sleep(T).

flush(T) -> receive M -> [M | flush(T)] after T -> [] end.

%% connected pair: L listen, C client, S accepted
pair(B) -> pair(B, [binary, {active, false}], [binary, {active, false}]).
pair(B, LO, CO) ->
    {ok, L} = gen_tcp:listen(0, [{inet_backend, B}, {ip, ?LO} | LO]),
    {ok, P} = inet:port(L),
    {ok, C} = gen_tcp:connect(?LO, P, [{inet_backend, B} | CO], 2000),
    {ok, S} = gen_tcp:accept(L, 2000),
    socks([{L, 'L'}, {C, 'C'}, {S, 'S'}]),
    {L, C, S}.

ms(T0) -> erlang:convert_time_unit(erlang:monotonic_time() - T0, native, millisecond).

%% ---------------------------------------------------------------------------
%% Q1: getopts defaults

opt_names() ->
    [active, buffer, delay_send, deliver, dontroute, exit_on_close, header,
     high_msgq_watermark, high_watermark, keepalive, linger,
     low_msgq_watermark, low_watermark, mode, nodelay, packet, packet_size,
     priority, recbuf, reuseaddr, reuseport, reuseport_lb, send_timeout,
     send_timeout_close, show_econnreset, sndbuf, tos, tclass, ttl, recvtos,
     recvtclass, recvttl, ipv6_v6only, line_delimiter, debug,
     exclusiveaddruse, bind_to_device, netns].

q1(B) ->
    {ok, L} = gen_tcp:listen(0, [{inet_backend, B}, {ip, ?LO}]),
    {ok, P} = inet:port(L),
    {ok, C} = gen_tcp:connect(?LO, P, [{inet_backend, B}], 2000),
    {ok, S} = gen_tcp:accept(L, 2000),
    socks([{L, 'L'}, {C, 'C'}, {S, 'S'}]),
    lists:foreach(
      fun(N) ->
              ?R("1.client." ++ atom_to_list(N), inet:getopts(C, [N])),
              ?R("1.accepted." ++ atom_to_list(N), inet:getopts(S, [N])),
              ?R("1.listen." ++ atom_to_list(N), inet:getopts(L, [N]))
      end, opt_names()),
    ?R("1.client.all_in_one_call", inet:getopts(C, opt_names())),
    ?R("1.client.empty_list", inet:getopts(C, [])),
    ?R("1.client.bogus_name", inet:getopts(C, [bogus_opt])),
    %% same with an explicit binary/passive listen (common case)
    {L2, C2, S2} = pair(B),
    ?R("1.binary_passive_pair.client.mode_active_packet",
       inet:getopts(C2, [mode, active, packet])),
    ?R("1.binary_passive_pair.accepted.mode_active_packet",
       inet:getopts(S2, [mode, active, packet])),
    ?R("1.binary_passive_pair.listen.mode_active_packet",
       inet:getopts(L2, [mode, active, packet])),
    ok.

%% ---------------------------------------------------------------------------
%% Q2: bad option values

bad_opts() ->
    [{active, 40000}, {active, -40000}, {active, foo}, {packet, 3},
     {packet, foo}, {packet_size, -1}, {packet_size, 16#4000001},
     {header, -1}, {mode, foo}, {linger, {true, -1}}, {linger, foo},
     {send_timeout, -1}, {send_timeout, foo}, {buffer, -1}, {buffer, 0},
     {recbuf, -1}, {sndbuf, 0}, {high_watermark, -1}, {low_watermark, -1},
     {priority, -1}, {tos, 256}, {ttl, -1}, {nodelay, foo}, {keepalive, 1},
     {unknown_opt, 1}, {line_delimiter, 256}, {inet_backend, socket},
     {inet_backend, inet}, foo_atom].

q2(B) ->
    lists:foreach(
      fun(O) ->
              K = lists:flatten(io_lib:format("~w", [O])),
              {_L, _C, S} = pair(B),
              ?R("2.setopts(S," ++ K ++ ")", inet:setopts(S, [O])),
              case O of
                  {N, _} when is_atom(N), N =/= unknown_opt, N =/= inet_backend ->
                      ?R("2.after_setopts_getopts(S," ++ K ++ ")", inet:getopts(S, [N]));
                  _ -> ok
              end,
              ?R("2.socket_still_usable_after(" ++ K ++ ")",
                 inet:getopts(S, [active])),
              ?R("2.listen([backend," ++ K ++ "])",
                 closeok(gen_tcp:listen(0, [{inet_backend, B}, {ip, ?LO}, O]))),
              {ok, L0} = gen_tcp:listen(0, [{inet_backend, B}, {ip, ?LO}]),
              {ok, P0} = inet:port(L0),
              ?R("2.connect([backend," ++ K ++ "])",
                 closeok(gen_tcp:connect(?LO, P0, [{inet_backend, B}, O], 1000))),
              gen_tcp:close(L0)
      end, bad_opts()),
    %% inet_backend not first
    ?R("2.listen([binary,{inet_backend,B}]) (B not first)",
       closeok(gen_tcp:listen(0, [binary, {inet_backend, B}]))),
    ?R("2.listen([{inet_backend,B},binary,{inet_backend,B}]) (duplicate)",
       closeok(gen_tcp:listen(0, [{inet_backend, B}, binary, {inet_backend, B}]))),
    ?R("2.listen([{inet_backend,foo}])",
       closeok(gen_tcp:listen(0, [{inet_backend, foo}]))),
    ?R("2.listen([{inet_backend,foo},binary])",
       closeok(gen_tcp:listen(0, [{inet_backend, foo}, binary]))),
    {ok, L1} = gen_tcp:listen(0, [{inet_backend, B}, {ip, ?LO}]),
    {ok, P1} = inet:port(L1),
    ?R("2.connect([binary,{inet_backend,B}]) (B not first)",
       closeok(gen_tcp:connect(?LO, P1, [binary, {inet_backend, B}], 1000))),
    ?R("2.connect([{inet_backend,foo}])",
       closeok(gen_tcp:connect(?LO, P1, [{inet_backend, foo}], 1000))),
    ?R("2.setopts(S,[binary,{inet_backend,socket}])",
       begin {_, _, S1} = pair(B), inet:setopts(S1, [binary, {inet_backend, socket}]) end),
    ?R("2.setopts(S,[{active,true},{packet,foo}]) (one bad in list)",
       begin {_, _, S2} = pair(B),
             R = inet:setopts(S2, [{active, true}, {packet, foo}]),
             {R, inet:getopts(S2, [active, packet])} end),
    ok.

closeok({ok, S}) ->
    Kind = case S of
               P when is_port(P) -> port;
               {'$inet', M, _} -> {'$inet', M};
               _ -> other
           end,
    catch gen_tcp:close(S), {ok, Kind};
closeok(E) -> E.

%% ---------------------------------------------------------------------------
%% Q3: recv semantics (passive, binary, raw)

q3(B) ->
    %% (a)(b) peer closed, nothing pending
    {_, C1, S1} = pair(B),
    ok = gen_tcp:close(C1), sleep(100),
    ?R("3a.recv(S,0) after peer close, no data", gen_tcp:recv(S1, 0, 2000)),
    ?R("3b.second recv(S,0)", gen_tcp:recv(S1, 0, 2000)),
    ?R("3b.third recv(S,5)", gen_tcp:recv(S1, 5, 500)),
    ?R("3b.send after recv closed", gen_tcp:send(S1, <<"x">>)),
    ?R("3b.close after that", gen_tcp:close(S1)),
    %% (c) 3 bytes then close, recv(S,5)
    {_, C2, S2} = pair(B),
    ok = gen_tcp:send(C2, <<1, 2, 3>>), ok = gen_tcp:close(C2), sleep(100),
    ?R("3c.recv(S,5) 3 bytes then peer close", gen_tcp:recv(S2, 5, 2000)),
    ?R("3c.then recv(S,0)", gen_tcp:recv(S2, 0, 2000)),
    ?R("3c.then recv(S,0) again", gen_tcp:recv(S2, 0, 500)),
    {_, C2x, S2x} = pair(B),
    ok = gen_tcp:send(C2x, <<1, 2, 3>>), ok = gen_tcp:close(C2x), sleep(100),
    ?R("3c.recv(S,3) 3 bytes then peer close", gen_tcp:recv(S2x, 3, 2000)),
    ?R("3c.   then recv(S,0)", gen_tcp:recv(S2x, 0, 500)),
    {_, C2y, S2y} = pair(B),
    ok = gen_tcp:send(C2y, <<1, 2, 3>>), ok = gen_tcp:close(C2y), sleep(100),
    ?R("3c.recv(S,2) 3 bytes then peer close", gen_tcp:recv(S2y, 2, 2000)),
    ?R("3c.   then recv(S,2)", gen_tcp:recv(S2y, 2, 500)),
    ?R("3c.   then recv(S,0)", gen_tcp:recv(S2y, 0, 500)),
    %% (c') same but recv(S,0) first
    {_, C2b, S2b} = pair(B),
    ok = gen_tcp:send(C2b, <<1, 2, 3>>), ok = gen_tcp:close(C2b), sleep(100),
    ?R("3c2.recv(S,0) 3 bytes then peer close", gen_tcp:recv(S2b, 0, 2000)),
    ?R("3c2.then recv(S,0)", gen_tcp:recv(S2b, 0, 2000)),
    %% (c'') recv(S,5) blocked before the peer closes
    {_, C2c, S2c} = pair(B),
    Self = self(),
    spawn(fun() -> sleep(100), gen_tcp:send(C2c, <<1, 2, 3>>), sleep(100),
                   gen_tcp:close(C2c), Self ! closed_done end),
    %% C2c owned by us; close from another process allowed? record
    ?R("3c3.recv(S,5) blocked while peer sends 3 then closes", gen_tcp:recv(S2c, 5, 2000)),
    ?R("3c3.then recv(S,0)", gen_tcp:recv(S2c, 0, 500)),
    flush(0),
    %% (d) recv(S,0,0) with nothing available (fresh pair per case)
    {_, _, S3} = pair(B),
    ?R("3d.recv(S,0,0) nothing available", gen_tcp:recv(S3, 0, 0)),
    ?R("3d.recv(S,5,0) nothing available", gen_tcp:recv(S3, 5, 0)),
    ?R("3d.recv(S,0,100) nothing available", gen_tcp:recv(S3, 0, 100)),
    ?R("3d.socket still usable after timeouts (getopts active)", inet:getopts(S3, [active])),
    {_, C3a, S3a} = pair(B),
    ok = gen_tcp:send(C3a, <<"abc">>), sleep(50),
    ?R("3d.recv(S,0,0) with 3 bytes in OS buffer", gen_tcp:recv(S3a, 0, 0)),
    ?R("3d.   then recv(S,0,0) again", gen_tcp:recv(S3a, 0, 0)),
    ?R("3d.   then recv(S,0,100)", gen_tcp:recv(S3a, 0, 100)),
    {_, C3b, S3b} = pair(B),
    ok = gen_tcp:send(C3b, <<"abc">>), sleep(50),
    ?R("3d.recv(S,3,0) with 3 bytes in OS buffer", gen_tcp:recv(S3b, 3, 0)),
    {_, C3c, S3c} = pair(B),
    ok = gen_tcp:send(C3c, <<"abc">>), sleep(50),
    ?R("3d.recv(S,5,0) with 3 bytes in OS buffer", gen_tcp:recv(S3c, 5, 0)),
    ?R("3d.   then recv(S,0,0)", gen_tcp:recv(S3c, 0, 0)),
    ?R("3d.   then recv(S,0,100)", gen_tcp:recv(S3c, 0, 100)),
    ?R("3d.   then recv(S,0,100) again", gen_tcp:recv(S3c, 0, 100)),
    {_, C3h, S3h} = pair(B),
    ok = gen_tcp:send(C3h, <<"abc">>), sleep(50),
    ?R("3d.recv(S,5,0) with 3 bytes in OS buffer (variant)", gen_tcp:recv(S3h, 5, 0)),
    r("3d.   then recv(S,0,1000) {Result,ms}", begin T0h = erlang:monotonic_time(), Rh = gen_tcp:recv(S3h, 0, 1000), {Rh, bucket(ms(T0h))} end),
    ?R("3d.   then recv(S,0,1000) again", gen_tcp:recv(S3h, 0, 1000)),
    {_, C3d, S3d} = pair(B),
    ok = gen_tcp:send(C3d, <<"abc">>), sleep(50),
    ?R("3d.recv(S,5,100) with 3 bytes in OS buffer", gen_tcp:recv(S3d, 5, 100)),
    ?R("3d.   then recv(S,0,100)", gen_tcp:recv(S3d, 0, 100)),
    {_, C3e, S3e} = pair(B),
    ok = gen_tcp:send(C3e, <<"abc">>), sleep(50),
    ?R("3d.recv(S,0,-1) with data", gen_tcp:recv(S3e, 0, -1)),
    ?R("3d.   then getopts(active)", inet:getopts(S3e, [active])),
    {_, _, S3f} = pair(B),
    ?R("3d.recv(S,-1,0)", gen_tcp:recv(S3f, -1, 0)),
    ?R("3d.   then getopts(active)", inet:getopts(S3f, [active])),
    {_, _, S3g} = pair(B),
    ?R("3d.recv(S,foo,0)", gen_tcp:recv(S3g, foo, 0)),
    ?R("3d.   then getopts(active)", inet:getopts(S3g, [active])),
    %% (e) recv on active socket
    {_, _, S4} = pair(B, [binary, {active, true}], [binary, {active, false}]),
    ?R("3e.recv(S,0) on active true", gen_tcp:recv(S4, 0, 200)),
    ok = inet:setopts(S4, [{active, once}]),
    ?R("3e.recv(S,0) on active once", gen_tcp:recv(S4, 0, 200)),
    ok = inet:setopts(S4, [{active, 5}]),
    ?R("3e.recv(S,0) on active 5", gen_tcp:recv(S4, 0, 200)),
    flush(0),
    %% (f) recv on listen socket
    {L5, _, _} = pair(B),
    ?R("3f.recv(L,0) on listen socket", gen_tcp:recv(L5, 0, 200)),
    ?R("3f.send(L,x) on listen socket", gen_tcp:send(L5, <<"x">>)),
    %% (g)(h) after local close
    {_, _, S6} = pair(B),
    ok = gen_tcp:close(S6),
    ?R("3g.recv after local close", gen_tcp:recv(S6, 0, 200)),
    ?R("3h.send after local close", gen_tcp:send(S6, <<"x">>)),
    ?R("3h.close after local close", gen_tcp:close(S6)),
    ?R("3h.getopts after local close", inet:getopts(S6, [active])),
    ?R("3h.setopts after local close", inet:setopts(S6, [{active, true}])),
    ?R("3h.peername after local close", inet:peername(S6)),
    ?R("3h.getstat after local close", inet:getstat(S6)),
    %% (i) recv Length>0 in packet 2
    {_, C7, S7} = pair(B),
    ok = inet:setopts(S7, [{packet, 2}]),
    ?R("3i.recv(S,5) packet 2 no data", gen_tcp:recv(S7, 5, 200)),
    ok = gen_tcp:send(C7, <<0, 3, "abc">>), sleep(50),
    ?R("3i.recv(S,5) packet 2 with a frame pending", gen_tcp:recv(S7, 5, 200)),
    ?R("3i.recv(S,0) packet 2 after that", gen_tcp:recv(S7, 0, 200)),
    %% (j) two simultaneous recvs
    {_, C8, S8} = pair(B),
    Me = self(),
    Rd = fun(Tag, Len) -> spawn(fun() -> T0 = erlang:monotonic_time(),
                                       R = gen_tcp:recv(S8, Len, 1500),
                                       Me ! {Tag, R, ms(T0)} end) end,
    Rd(p1, 0), sleep(50), Rd(p2, 0), sleep(100),
    ok = gen_tcp:send(C8, <<"abc">>),
    R1 = receive {p1, X1, T1} -> {X1, bucket(T1)} after 2500 -> none end,
    R2 = receive {p2, X2, T2} -> {X2, bucket(T2)} after 2500 -> none end,
    r("3j.two recv(S,0) then 3 bytes: first caller {Result,ms}", R1),
    r("3j.two recv(S,0) then 3 bytes: second caller {Result,ms}", R2),
    %% j2: two recv, data for both
    Rd(p3, 2), sleep(50), Rd(p4, 2), sleep(100),
    ok = gen_tcp:send(C8, <<"abcd">>),
    R3 = receive {p3, X3, T3} -> {X3, bucket(T3)} after 2500 -> none end,
    R4 = receive {p4, X4, T4} -> {X4, bucket(T4)} after 2500 -> none end,
    r("3j.two recv(S,2) then 4 bytes: first caller", R3),
    r("3j.two recv(S,2) then 4 bytes: second caller", R4),
    ok.

bucket(Ms) -> {approx_ms, (Ms div 50) * 50}.

%% ---------------------------------------------------------------------------
%% Q4: peer closed with data pending

q4(B) ->
    {_, C1, S1} = pair(B),
    ok = gen_tcp:send(C1, <<"hello">>), ok = gen_tcp:close(C1), sleep(100),
    ?R("4.passive recv#1", gen_tcp:recv(S1, 0, 1000)),
    ?R("4.passive recv#2", gen_tcp:recv(S1, 0, 1000)),
    ?R("4.passive recv#3", gen_tcp:recv(S1, 0, 500)),
    %% activated after close
    {_, C2, S2} = pair(B),
    ok = gen_tcp:send(C2, <<"hello">>), ok = gen_tcp:close(C2), sleep(100),
    ?R("4.passive then setopts active true", inet:setopts(S2, [{active, true}])),
    r("4.passive then active true: messages", flush(500)),
    ?R("4.after tcp_closed: recv", gen_tcp:recv(S2, 0, 200)),
    ?R("4.after tcp_closed: send", gen_tcp:send(S2, <<"x">>)),
    %% active true from the start
    {_, C3, S3} = pair(B, [binary, {active, true}], [binary, {active, false}]),
    ok = gen_tcp:send(C3, <<"hello">>), ok = gen_tcp:close(C3),
    r("4.active true from start: messages", flush(500)),
    _ = S3,
    %% active once: two messages needed
    {_, C4, S4} = pair(B),
    ok = gen_tcp:send(C4, <<"hello">>), ok = gen_tcp:close(C4), sleep(100),
    ok = inet:setopts(S4, [{active, once}]),
    r("4.active once #1: messages", flush(300)),
    ?R("4.active once #1: getopts active", inet:getopts(S4, [active])),
    ?R("4.active once #2: setopts", inet:setopts(S4, [{active, once}])),
    r("4.active once #2: messages", flush(300)),
    %% active N
    {_, C5, S5} = pair(B),
    ok = gen_tcp:send(C5, <<"hello">>), ok = gen_tcp:close(C5), sleep(100),
    ok = inet:setopts(S5, [{active, 1}]),
    r("4.active 1: messages", flush(300)),
    ?R("4.active 1: setopts active 1 again", inet:setopts(S5, [{active, 1}])),
    r("4.active 1 again: messages", flush(300)),
    %% show_econnreset true + clean close (FIN, nothing unread at peer)
    {_, C7, S7} = pair(B),
    ok = inet:setopts(S7, [{show_econnreset, true}]),
    ok = gen_tcp:send(C7, <<"hello">>), ok = gen_tcp:close(C7), sleep(100),
    ?R("4.show_econnreset true, clean peer close: passive recv#1", gen_tcp:recv(S7, 0, 500)),
    ?R("4.show_econnreset true, clean peer close: passive recv#2", gen_tcp:recv(S7, 0, 500)),
    ?R("4.show_econnreset true, clean peer close: passive recv#3", gen_tcp:recv(S7, 0, 500)),
    {_, C8, _S8} = pair(B, [binary, {active, true}, {show_econnreset, true}], [binary, {active, false}]),
    ok = gen_tcp:send(C8, <<"hello">>), ok = gen_tcp:close(C8),
    r("4.show_econnreset true, clean peer close: active msgs", flush(500)),
    {_, C9, _S9} = pair(B, [binary, {active, true}, {show_econnreset, true}], [binary, {active, false}]),
    ok = gen_tcp:shutdown(C9, write),
    r("4.show_econnreset true, peer shutdown(write): active msgs", flush(500)),
    %% list mode
    {_, C6, S6} = pair(B, [list, {active, false}], [binary, {active, false}]),
    ok = gen_tcp:send(C6, <<"hello">>), ok = gen_tcp:close(C6), sleep(100),
    ?R("4.list mode recv#1", gen_tcp:recv(S6, 0, 500)),
    ?R("4.list mode recv#2", gen_tcp:recv(S6, 0, 500)),
    ok.

%% ---------------------------------------------------------------------------
%% Q5: remote close detected by send

q5(B) ->
    [q5one(B, V, SER, Mode) || V <- [rst, fin], SER <- [false, true],
                               Mode <- [passive, recv_first, activate_later, active_always]],
    ok.

q5one(B, V, SER, Mode) ->
    P = lists:flatten(io_lib:format("5.~p.show_econnreset=~p.~p.", [V, SER, Mode])),
    SAct = case Mode of active_always -> true; _ -> false end,
    {_L, C, S} = pair(B),
    ?R(P ++ "setopts", inet:setopts(S, [{show_econnreset, SER}, {active, SAct}])),
    ok = gen_tcp:send(C, <<"from_peer">>), sleep(50),
    case V of
        rst -> ok = gen_tcp:send(S, <<"unread_by_peer">>), sleep(50);
        fin -> ok
    end,
    ok = gen_tcp:close(C), sleep(150),
    case Mode of
        active_always -> r(P ++ "msgs after peer close", flush(100));
        recv_first ->
            ?R(P ++ "recv#1 before any send", gen_tcp:recv(S, 0, 500)),
            ?R(P ++ "recv#2 before any send", gen_tcp:recv(S, 0, 500));
        _ -> ok
    end,
    lists:foreach(
      fun(I) ->
              ?R(P ++ "send#" ++ integer_to_list(I), gen_tcp:send(S, <<"ping">>)),
              sleep(50),
              case Mode of
                  active_always -> r(P ++ "msgs after send#" ++ integer_to_list(I), flush(20));
                  _ -> ok
              end
      end, [1, 2, 3, 4]),
    case Mode of
        activate_later ->
            ?R(P ++ "setopts active true", inet:setopts(S, [{active, true}])),
            r(P ++ "msgs after activation", flush(300));
        _ -> ok
    end,
    ?R(P ++ "recv#A", gen_tcp:recv(S, 0, 300)),
    ?R(P ++ "recv#B", gen_tcp:recv(S, 0, 300)),
    r(P ++ "msgs at end", flush(100)),
    ?R(P ++ "close", gen_tcp:close(S)),
    ok.

%% ---------------------------------------------------------------------------
%% Q6: {active, N}

q6(B) ->
    {_, C, S} = pair(B),
    ?R("6.setopts active 3", inet:setopts(S, [{active, 3}])),
    ?R("6.getopts after 3", inet:getopts(S, [active])),
    ?R("6.setopts active 2 (on 3)", inet:setopts(S, [{active, 2}])),
    ?R("6.getopts after 3+2", inet:getopts(S, [active])),
    r("6.msgs so far", flush(50)),
    {_, _, S2} = pair(B),
    ok = inet:setopts(S2, [{active, 3}]),
    ?R("6.setopts active -5 (on 3)", inet:setopts(S2, [{active, -5}])),
    ?R("6.getopts after 3-5", inet:getopts(S2, [active])),
    r("6.msgs after 3-5", flush(100)),
    {_, _, S3} = pair(B),
    ok = inet:setopts(S3, [{active, 3}]),
    ?R("6.setopts active -3 (on 3)", inet:setopts(S3, [{active, -3}])),
    ?R("6.getopts after 3-3", inet:getopts(S3, [active])),
    r("6.msgs after 3-3", flush(100)),
    %% counting down to 0
    {_, C4, S4} = pair(B),
    ok = inet:setopts(S4, [{active, 2}]),
    ok = gen_tcp:send(C4, <<"m1">>), sleep(50),
    ok = gen_tcp:send(C4, <<"m2">>), sleep(50),
    ok = gen_tcp:send(C4, <<"m3">>), sleep(50),
    r("6.active 2, peer sends 3 chunks: msgs", flush(200)),
    ?R("6.getopts after counter reached 0", inet:getopts(S4, [active])),
    ?R("6.recv after counter 0", gen_tcp:recv(S4, 0, 200)),
    %% active 0
    {_, _, S5} = pair(B),
    ?R("6.setopts active 0 on passive socket", inet:setopts(S5, [{active, 0}])),
    r("6.msgs after active 0 on passive", flush(100)),
    ?R("6.getopts after active 0 on passive", inet:getopts(S5, [active])),
    ok = inet:setopts(S5, [{active, 2}]),
    ?R("6.setopts active 0 on active 2", inet:setopts(S5, [{active, 0}])),
    r("6.msgs after active 0 on active 2", flush(100)),
    ?R("6.getopts after active 0 on active 2", inet:getopts(S5, [active])),
    ok = inet:setopts(S5, [{active, true}]),
    ?R("6.setopts active 0 on active true", inet:setopts(S5, [{active, 0}])),
    r("6.msgs after active 0 on active true", flush(100)),
    ?R("6.getopts after active 0 on active true", inet:getopts(S5, [active])),
    %% limits
    {_, _, S6} = pair(B),
    ?R("6.setopts active 32767", inet:setopts(S6, [{active, 32767}])),
    ?R("6.then setopts active 1 (32767+1)", inet:setopts(S6, [{active, 1}])),
    ?R("6.getopts after 32767+1 attempt", inet:getopts(S6, [active])),
    ?R("6.setopts active 32768 (fresh)", begin {_, _, Sx} = pair(B), socks([]), inet:setopts(Sx, [{active, 32768}]) end),
    ?R("6.setopts active -32768 on passive", begin {_, _, Sy} = pair(B), socks([{Sy, 'S'}]), {inet:setopts(Sy, [{active, -32768}]), inet:getopts(Sy, [active]), flush(100)} end),
    ?R("6.setopts active -32769 on passive", begin {_, _, Sz} = pair(B), socks([]), inet:setopts(Sz, [{active, -32769}]) end),
    ?R("6.active 20000 then 20000", begin {_, _, Sw} = pair(B), socks([]), A = inet:setopts(Sw, [{active, 20000}]), Bb = inet:setopts(Sw, [{active, 20000}]), {A, Bb, inet:getopts(Sw, [active])} end),
    {_, _, S7} = pair(B),
    flush(50),
    ok = inet:setopts(S7, [{active, true}]),
    ?R("6.setopts active 3 on active true", inet:setopts(S7, [{active, 3}])),
    ?R("6.getopts after true then 3", inet:getopts(S7, [active])),
    ok = inet:setopts(S7, [{active, once}]),
    ?R("6.setopts active 3 on active once", inet:setopts(S7, [{active, 3}])),
    ?R("6.getopts after once then 3", inet:getopts(S7, [active])),
    ok = inet:setopts(S7, [{active, -10}]),
    ?R("6.getopts after -10 (from 3)", inet:getopts(S7, [active])),
    r("6.msgs", flush(100)),
    ?R("6.active -1 on passive", begin {_, _, Sv} = pair(B), socks([{Sv, 'S'}]), {inet:setopts(Sv, [{active, -1}]), inet:getopts(Sv, [active]), flush(100)} end),
    %% active N on listen socket / passed to accept
    {L8, _, S8} = pair(B, [binary, {active, 2}], [binary, {active, false}]),
    ?R("6.listen {active,2}: getopts listen", inet:getopts(L8, [active])),
    ?R("6.listen {active,2}: getopts accepted", inet:getopts(S8, [active])),
    _ = C,
    ok.

%% ---------------------------------------------------------------------------
%% Q7: controlling_process

q7(B) ->
    {_, _C, S} = pair(B),
    Me = self(),
    spawn(fun() -> Me ! {np, gen_tcp:controlling_process(S, self())} end),
    r("7.from non-owner", receive {np, X} -> X after 2000 -> none end),
    Dead = spawn(fun() -> ok end), sleep(50),
    ?R("7.to dead pid", gen_tcp:controlling_process(S, Dead)),
    ?R("7.still usable after dead-pid attempt (getopts active)", inet:getopts(S, [active])),
    ?R("7.peer view after dead-pid attempt: recv(C)", gen_tcp:recv(_C, 0, 300)),
    {_, _, S1b} = pair(B),
    ?R("7.to self when owner", gen_tcp:controlling_process(S1b, self())),
    ?R("7.to self when owner: still usable", inet:getopts(S1b, [active])),
    ?R("7.to non-pid", gen_tcp:controlling_process(S1b, foo)),
    {_, _, S2} = pair(B),
    ok = gen_tcp:close(S2),
    ?R("7.on closed socket", gen_tcp:controlling_process(S2, self())),
    {L3, _, _} = pair(B),
    Pl = spawn(fun() -> receive _ -> ok end end),
    ?R("7.listen socket to other pid", gen_tcp:controlling_process(L3, Pl)),
    %% owner death
    {_, C4, S4} = pair(B),
    P = spawn(fun() -> receive die -> ok end end),
    ?R("7.transfer S to P", gen_tcp:controlling_process(S4, P)),
    ?R("7.old owner controlling_process again (not owner now)", gen_tcp:controlling_process(S4, self())),
    Ref = monitor(process, P), P ! die,
    receive {'DOWN', Ref, _, _, _} -> ok end, sleep(100),
    ?R("7.after owner died: recv(S) from other process", gen_tcp:recv(S4, 0, 300)),
    ?R("7.after owner died: send(S)", gen_tcp:send(S4, <<"x">>)),
    ?R("7.after owner died: peer recv(C)", gen_tcp:recv(C4, 0, 500)),
    %% active socket: messages in flight moved?
    {_, C5, S5} = pair(B, [binary, {active, true}], [binary, {active, false}]),
    ok = gen_tcp:send(C5, <<"before">>), sleep(50),
    P5 = spawn(fun() -> receive {go, From} -> From ! {p5, flush(200)} end end),
    ?R("7.active transfer with pending message", gen_tcp:controlling_process(S5, P5)),
    P5 ! {go, self()},
    r("7.new owner messages", receive {p5, M} -> M after 1000 -> none end),
    r("7.old owner messages", flush(50)),
    ok.

%% ---------------------------------------------------------------------------
%% Q8: shutdown

q8(B) ->
    {_, C, S} = pair(B),
    ?R("8.shutdown(C,write)", gen_tcp:shutdown(C, write)),
    ?R("8.send after shutdown write", gen_tcp:send(C, <<"x">>)),
    ?R("8.send after shutdown write (2nd)", gen_tcp:send(C, <<"x">>)),
    ?R("8.peer recv after shutdown write", gen_tcp:recv(S, 0, 500)),
    ?R("8.peer can still send, we recv", begin gen_tcp:send(S, <<"back">>), gen_tcp:recv(C, 0, 500) end),
    ?R("8.shutdown(C,write) twice", gen_tcp:shutdown(C, write)),
    {_, C2, S2} = pair(B),
    ?R("8.shutdown(S,read)", gen_tcp:shutdown(S2, read)),
    ?R("8.recv after shutdown read (nothing sent)", gen_tcp:recv(S2, 0, 500)),
    ?R("8.peer send after our shutdown read", gen_tcp:send(C2, <<"data">>)),
    sleep(50),
    ?R("8.recv after shutdown read (peer sent)", gen_tcp:recv(S2, 0, 500)),
    ?R("8.send after shutdown read", gen_tcp:send(S2, <<"x">>)),
    {_, C3, S3} = pair(B),
    ?R("8.shutdown(S,read_write)", gen_tcp:shutdown(S3, read_write)),
    ?R("8.send after read_write", gen_tcp:send(S3, <<"x">>)),
    ?R("8.recv after read_write", gen_tcp:recv(S3, 0, 300)),
    ?R("8.peer recv after read_write", gen_tcp:recv(C3, 0, 300)),
    {_, _, S4} = pair(B),
    ok = gen_tcp:close(S4),
    ?R("8.shutdown on closed socket (write)", gen_tcp:shutdown(S4, write)),
    ?R("8.shutdown on closed socket (read)", gen_tcp:shutdown(S4, read)),
    {L5, _, _} = pair(B),
    ?R("8.shutdown listen write", gen_tcp:shutdown(L5, write)),
    ?R("8.shutdown listen read", gen_tcp:shutdown(L5, read)),
    ?R("8.shutdown listen read_write", gen_tcp:shutdown(L5, read_write)),
    ?R("8.accept after listen shutdown", gen_tcp:accept(L5, 200)),
    ?R("8.shutdown bad how", begin {_, _, S6} = pair(B), gen_tcp:shutdown(S6, foo) end),
    %% active socket: shutdown write of peer -> messages
    {_, C7, _S7} = pair(B, [binary, {active, true}], [binary, {active, false}]),
    ok = gen_tcp:shutdown(C7, write),
    r("8.active S, peer shutdown write: messages", flush(300)),
    %% exit_on_close false + peer shutdown write: we can still send
    {_, C8, S8} = pair(B, [binary, {active, false}, {exit_on_close, false}], [binary, {active, false}]),
    ok = gen_tcp:shutdown(C8, write),
    ?R("8.exit_on_close false, peer half-closed: recv", gen_tcp:recv(S8, 0, 300)),
    ?R("8.exit_on_close false, peer half-closed: send", gen_tcp:send(S8, <<"still">>)),
    ?R("8.exit_on_close false, peer half-closed: peer recv", gen_tcp:recv(C8, 0, 300)),
    {_, C9, S9} = pair(B),
    ok = gen_tcp:shutdown(C9, write),
    ?R("8.exit_on_close true(default), peer half-closed: recv", gen_tcp:recv(S9, 0, 300)),
    ?R("8.exit_on_close true(default), peer half-closed: send", gen_tcp:send(S9, <<"still">>)),
    ?R("8.exit_on_close true(default), peer half-closed: peer recv", gen_tcp:recv(C9, 0, 300)),
    ok.

%% ---------------------------------------------------------------------------
%% Q9: accept

q9(B) ->
    Me = self(),
    NewL = fun() ->
                   {ok, L} = gen_tcp:listen(0, [{inet_backend, B}, {ip, ?LO}, binary, {active, false}]),
                   {ok, P} = inet:port(L), socks([{L, 'L'}]), {L, P}
           end,
    {L, _} = NewL(),
    ?R("9.accept(L,0) nothing pending", gen_tcp:accept(L, 0)),
    ?R("9.accept(L,100) nothing pending", gen_tcp:accept(L, 100)),
    r("9.accept(L,-1) nothing pending (run in helper process, 1s bound)",
      bounded(fun() -> gen_tcp:accept(L, -1) end, 1000)),
    {L1, P1} = NewL(),
    {ok, _C0} = gen_tcp:connect(?LO, P1, [{inet_backend, B}], 1000), sleep(50),
    ?R("9.accept(L,0) with pending connection", okkind(gen_tcp:accept(L1, 0))),
    ?R("9.   then accept(L,100)", okkind(gen_tcp:accept(L1, 100))),
    {L2, P2} = NewL(),
    Acc = fun(LL, Tag, T) -> spawn(fun() -> T0 = erlang:monotonic_time(),
                                           R = gen_tcp:accept(LL, T),
                                           Me ! {Tag, okkind(R), bucket(ms(T0))},
                                           receive _ -> ok after 3000 -> ok end end) end,
    Acc(L2, a1, 1000), Acc(L2, a2, 1000), sleep(100),
    {ok, _C1} = gen_tcp:connect(?LO, P2, [{inet_backend, B}], 1000),
    Ra = [receive {a1, X, T1} -> {X, T1} after 2000 -> a1_none end,
          receive {a2, Y, T2} -> {Y, T2} after 2000 -> a2_none end],
    r("9.two acceptors one connection (sorted {Result,ms})", lists:sort(Ra)),
    %% accept blocked when listen socket closed
    {L3, _} = NewL(),
    Acc(L3, a3, 3000), sleep(100),
    ?R("9.close(L) while accept blocked", gen_tcp:close(L3)),
    r("9.blocked accept result {Result,ms}", receive {a3, X3, T3} -> {X3, T3} after 4000 -> none end),
    ?R("9.accept on closed listen socket", gen_tcp:accept(L3, 200)),
    %% accept blocked, owner (listen owner) is another process that dies
    {L4, _} = NewL(),
    Own = spawn(fun() -> receive die -> ok end end),
    ok = gen_tcp:controlling_process(L4, Own),
    Acc(L4, a4, 3000),
    sleep(100), Own ! die,
    r("9.blocked accept when listen owner dies {Result,ms}", receive {a4, X4, T4} -> {X4, T4} after 4000 -> none end),
    %% accept by non-owner process (allowed?)
    {L5, P5} = NewL(),
    Acc(L5, a5, 1000), sleep(50),
    {ok, _C5} = gen_tcp:connect(?LO, P5, [{inet_backend, B}], 1000),
    r("9.accept from non-owner process", receive {a5, X5, _} -> X5 after 2000 -> none end),
    ?R("9.accept on connected socket", begin {_, _, S6} = pair(B), gen_tcp:accept(S6, 100) end),
    %% owner of accepted socket
    {L7, P7} = NewL(),
    Acc(L7, a7, 1000), sleep(50),
    {ok, _C7} = gen_tcp:connect(?LO, P7, [{inet_backend, B}], 1000),
    receive {a7, _, _} -> ok after 2000 -> ok end,
    ok.

bounded(F, Ms) ->
    Me = self(),
    Pid = spawn(fun() -> Me ! {bounded, self(), g(F)} end),
    receive {bounded, Pid, R} -> {returned, R}
    after Ms -> exit(Pid, kill), {still_blocked_after_ms, Ms}
    end.

okkind({ok, S}) -> {ok, case S of P when is_port(P) -> port; {'$inet', M, _} -> {'$inet', M}; _ -> other end};
okkind(E) -> E.

%% ---------------------------------------------------------------------------
%% Q10: send_timeout

q10(B) ->
    Big = binary:copy(<<"0123456789abcdef">>, 4 * 1024 * 1024), % 64 MB
    r("10.big size", byte_size(Big)),
    [q10big(B, Big, STC) || STC <- [false, true]],
    %% queue growth with small chunks, send_timeout 100
    {_, C, _S} = pair(B, [binary, {active, false}],
                      [binary, {active, false}, {send_timeout, 100}]),
    ?R("10.chunks: getopts", inet:getopts(C, [high_watermark, low_watermark, sndbuf, send_timeout])),
    Chunk = binary:copy(<<"x">>, 65536),
    {N, Res, Pend, Times} = chunkloop(C, Chunk, 0, 2000, []),
    r("10.chunks(64KiB): number of ok sends before first non-ok", N),
    r("10.chunks: first non-ok result", Res),
    r("10.chunks: getstat send_pend just before failing send", Pend),
    r("10.chunks: sends that took >=50ms (index,ms bucket)", Times),
    ?R("10.chunks: getstat after failure", inet:getstat(C, [send_pend, send_oct, send_cnt])),
    ?R("10.chunks: send after the timeout", fmtsend(gen_tcp:send(C, <<"y">>))),
    %% without send_timeout: where does send block?
    {_, C2, _S2} = pair(B),
    Me = self(),
    Sender = spawn(fun() -> blockloop(C2, Chunk, 0, Me) end),
    sleep(1500),
    Cnt = lastcount(-1),
    r("10.no send_timeout: ok sends of 64KiB before blocking (after 1.5s)", Cnt),
    ?R("10.no send_timeout: getstat while blocked", inet:getstat(C2, [send_pend, send_oct])),
    ?R("10.no send_timeout: sender process status", element(2, process_info(Sender, status))),
    exit(Sender, kill),
    ok.

lastcount(Acc) -> receive {cnt, N} -> lastcount(N) after 0 -> Acc end.

blockloop(C, Chunk, N, Me) ->
    case gen_tcp:send(C, Chunk) of
        ok -> Me ! {cnt, N + 1}, blockloop(C, Chunk, N + 1, Me);
        E -> Me ! {cnt, {N, E}}
    end.

chunkloop(_C, _Chunk, N, 0, T) -> {N, reached_limit, none, lists:reverse(T)};
chunkloop(C, Chunk, N, Left, T) ->
    Pend = inet:getstat(C, [send_pend]),
    T0 = erlang:monotonic_time(),
    R = gen_tcp:send(C, Chunk),
    Ms = ms(T0),
    T2 = case Ms >= 50 of true -> [{N + 1, bucket(Ms)} | T]; false -> T end,
    case R of
        ok -> chunkloop(C, Chunk, N + 1, Left - 1, T2);
        E -> {N, fmtsend(E), Pend, lists:reverse(T2)}
    end.

fmtsend({error, {timeout, Rest}}) when is_binary(Rest) -> {error, {timeout, {rest_binary_bytes, byte_size(Rest)}}};
fmtsend({error, {timeout, Rest}}) -> {error, {timeout, {rest_iolist_bytes, iolist_size(Rest)}}};
fmtsend(X) -> X.

q10big(B, Big, STC) ->
    P = "10.big64MB.send_timeout=100.send_timeout_close=" ++ atom_to_list(STC) ++ ".",
    {_, C, S} = pair(B, [binary, {active, false}],
                     [binary, {active, false}, {send_timeout, 100}, {send_timeout_close, STC}]),
    T0 = erlang:monotonic_time(),
    R1 = gen_tcp:send(C, Big),
    r(P ++ "send#1 {Result,ms}", {fmtsend(R1), bucket(ms(T0))}),
    case R1 of
        {error, {timeout, Rest}} -> r(P ++ "send#1 bytes actually sent = 64MB - byte_size(Rest)", byte_size(Big) - byte_size(Rest));
        _ -> ok
    end,
    ?R(P ++ "getstat after send#1", inet:getstat(C, [send_pend, send_oct, send_cnt])),
    T1 = erlang:monotonic_time(),
    R2 = gen_tcp:send(C, <<"tail">>),
    r(P ++ "send#2 (4 bytes) {Result,ms}", {fmtsend(R2), bucket(ms(T1))}),
    T2 = erlang:monotonic_time(),
    R3 = gen_tcp:send(C, <<"tail">>),
    r(P ++ "send#3 (4 bytes) {Result,ms}", {fmtsend(R3), bucket(ms(T2))}),
    ?R(P ++ "recv(C) afterwards", gen_tcp:recv(C, 0, 200)),
    ?R(P ++ "getopts(C) afterwards", inet:getopts(C, [active])),
    %% does the peer see the connection closed? drain a bit
    ?R(P ++ "peer: recv(S,0) first chunk size", case gen_tcp:recv(S, 0, 500) of {ok, D} -> {ok, byte_size(D)}; E -> E end),
    ok.

%% ---------------------------------------------------------------------------
%% Q11: nodelay on local sockets

q11(B) ->
    Path = "/tmp/gtcp_probe_" ++ os:getpid() ++ "_" ++ atom_to_list(B) ++ ".sock",
    file:delete(Path),
    ?R("11.listen local + nodelay true",
       closeok(gen_tcp:listen(0, [{inet_backend, B}, {ifaddr, {local, Path}}, {nodelay, true}]))),
    file:delete(Path),
    ?R("11.listen local + nodelay false",
       closeok(gen_tcp:listen(0, [{inet_backend, B}, {ifaddr, {local, Path}}, {nodelay, false}]))),
    file:delete(Path),
    case gen_tcp:listen(0, [{inet_backend, B}, {ifaddr, {local, Path}}, binary, {active, false}]) of
        {ok, L} ->
            r("11.listen local (no nodelay)", ok),
            ?R("11.sockname listen local", inet:sockname(L)),
            ?R("11.port(L) local", inet:port(L)),
            ?R("11.connect local + nodelay true",
               closeok(gen_tcp:connect({local, Path}, 0, [{inet_backend, B}, {nodelay, true}], 1000))),
            catch gen_tcp:accept(L, 100),
            case gen_tcp:connect({local, Path}, 0, [{inet_backend, B}, binary, {active, false}], 1000) of
                {ok, C} ->
                    r("11.connect local (no nodelay)", ok),
                    {ok, S} = gen_tcp:accept(L, 1000),
                    socks([{L, 'L'}, {C, 'C'}, {S, 'S'}]),
                    ?R("11.setopts(C,nodelay true)", inet:setopts(C, [{nodelay, true}])),
                    ?R("11.getopts(C,nodelay)", inet:getopts(C, [nodelay])),
                    ?R("11.setopts(C,[nodelay true, active once]) mixed", inet:setopts(C, [{nodelay, true}, {packet, 2}])),
                    ?R("11.getopts(C,[packet])", inet:getopts(C, [packet])),
                    ?R("11.peername(C)", inet:peername(C)),
                    ?R("11.data works", begin ok = inet:setopts(C, [{packet, 0}]), gen_tcp:send(C, <<"hi">>), gen_tcp:recv(S, 0, 500) end);
                E -> r("11.connect local (no nodelay)", E)
            end;
        E -> r("11.listen local (no nodelay)", E)
    end,
    file:delete(Path),
    ok.

%% ---------------------------------------------------------------------------
%% Q12: getstat

q12(B) ->
    {L, C, S} = pair(B),
    ?R("12.getstat(C) fresh", inet:getstat(C)),
    ?R("12.getstat(S) fresh", inet:getstat(S)),
    ?R("12.getstat(L)", inet:getstat(L)),
    ok = gen_tcp:send(C, <<"0123456789">>),
    ?R("12.recv 10 bytes", gen_tcp:recv(S, 10, 1000)),
    ?R("12.getstat(C) after sending 10 bytes", inet:getstat(C)),
    ?R("12.getstat(S) after receiving 10 bytes", inet:getstat(S)),
    ok = gen_tcp:send(C, <<"01234">>), ok = gen_tcp:send(C, <<"56789">>), sleep(50),
    ?R("12.recv(S,0) after two 5 byte sends", gen_tcp:recv(S, 0, 1000)),
    ?R("12.getstat(C) after 2 more sends", inet:getstat(C, [send_oct, send_cnt, send_max, send_avg])),
    ?R("12.getstat(S) after 1 more recv", inet:getstat(S, [recv_oct, recv_cnt, recv_max, recv_avg, recv_dvi])),
    ?R("12.getstat(S,[])", inet:getstat(S, [])),
    ?R("12.getstat(S,[bogus]) (last: crashes socket backend statem)", inet:getstat(S, [bogus])),
    ?R("12.after getstat bogus: getopts(S,[active])", inet:getopts(S, [active])),
    ok = gen_tcp:close(C),
    ?R("12.getstat after close", inet:getstat(C)),
    ok.

%% ---------------------------------------------------------------------------
%% Q13: errors by name

q13(B) ->
    {ok, L} = gen_tcp:listen(0, [{inet_backend, B}, {ip, ?LO}]),
    {ok, P} = inet:port(L),
    ?R("13.listen on port in use (same ip)", closeok(gen_tcp:listen(P, [{inet_backend, B}, {ip, ?LO}]))),
    ?R("13.listen on port in use (any ip)", closeok(gen_tcp:listen(P, [{inet_backend, B}]))),
    ?R("13.listen on port in use with reuseaddr", closeok(gen_tcp:listen(P, [{inet_backend, B}, {ip, ?LO}, {reuseaddr, true}]))),
    ?R("13.connect timeout 0 to live listener", closeok(gen_tcp:connect(?LO, P, [{inet_backend, B}], 0))),
    gen_tcp:close(L),
    ?R("13.connect to closed port", gen_tcp:connect(?LO, P, [{inet_backend, B}], 1000)),
    ?R("13.connect to closed port (infinity timeout)", gen_tcp:connect(?LO, P, [{inet_backend, B}])),
    ?R("13.connect \"nonexistent.invalid\"", gen_tcp:connect("nonexistent.invalid", 80, [{inet_backend, B}], 3000)),
    ?R("13.connect \"localhost\" closed port", gen_tcp:connect("localhost", P, [{inet_backend, B}], 1000)),
    ?R("13.connect port 0", gen_tcp:connect(?LO, 0, [{inet_backend, B}], 1000)),
    ?R("13.connect port 70000", gen_tcp:connect(?LO, 70000, [{inet_backend, B}], 1000)),
    ?R("13.listen port 70000 -> {Result, inet:port}", case gen_tcp:listen(70000, [{inet_backend, B}]) of {ok, Lp} -> Pp = inet:port(Lp), gen_tcp:close(Lp), {ok, Pp}; E -> E end),
    ?R("13.listen port -1 -> {Result, inet:port}", case gen_tcp:listen(-1, [{inet_backend, B}]) of {ok, Lp} -> Pp = inet:port(Lp), gen_tcp:close(Lp), {ok, Pp}; E -> E end),
    ?R("13.listen ip not local (192.0.2.1)", gen_tcp:listen(0, [{inet_backend, B}, {ip, {192, 0, 2, 1}}])),
    ?R("13.connect bad address tuple", gen_tcp:connect({1, 2, 3}, 80, [{inet_backend, B}], 1000)),
    ?R("13.connect timeout -1", gen_tcp:connect(?LO, 1, [{inet_backend, B}], -1)),
    ok.

%% ---------------------------------------------------------------------------
%% Q14: packet line / packet 2 overflow

q14(B) ->
    Long = binary:copy(<<"a">>, 40),
    {_, C, S} = pair(B, [binary, {active, false}, {packet, line}, {buffer, 16}], [binary, {active, false}]),
    ?R("14.line buffer 16: getopts(S)", inet:getopts(S, [buffer, packet, recbuf])),
    ok = gen_tcp:send(C, <<Long/binary, "\nshort\n">>), sleep(100),
    ?R("14.line buffer 16: recv#1 (40 a + nl)", gen_tcp:recv(S, 0, 500)),
    ?R("14.line buffer 16: recv#2", gen_tcp:recv(S, 0, 500)),
    ?R("14.line buffer 16: recv#3", gen_tcp:recv(S, 0, 500)),
    ?R("14.line buffer 16: recv#4", gen_tcp:recv(S, 0, 300)),
    {_, C2, S2} = pair(B, [binary, {active, false}, {packet, line}, {packet_size, 16}], [binary, {active, false}]),
    ok = gen_tcp:send(C2, <<Long/binary, "\nshort\n">>), sleep(100),
    ?R("14.line packet_size 16: recv#1", gen_tcp:recv(S2, 0, 500)),
    ?R("14.line packet_size 16: recv#2", gen_tcp:recv(S2, 0, 500)),
    ?R("14.line packet_size 16: recv#3", gen_tcp:recv(S2, 0, 300)),
    ?R("14.line packet_size 16: send after", gen_tcp:send(S2, <<"x">>)),
    %% line without newline then close
    {_, C3, S3} = pair(B, [binary, {active, false}, {packet, line}], [binary, {active, false}]),
    ok = gen_tcp:send(C3, <<"partial">>), ok = gen_tcp:close(C3), sleep(100),
    ?R("14.line: partial line then peer close recv#1", gen_tcp:recv(S3, 0, 500)),
    ?R("14.line: partial line then peer close recv#2", gen_tcp:recv(S3, 0, 300)),
    %% line_delimiter
    ?R("14.listen with {line_delimiter,$;}", closeok(gen_tcp:listen(0, [{inet_backend, B}, {line_delimiter, $;}]))),
    ?R("14.connect with {line_delimiter,$;}", begin {ok, Lx} = gen_tcp:listen(0, [{inet_backend, B}, {ip, ?LO}]), {ok, Px} = inet:port(Lx), closeok(gen_tcp:connect(?LO, Px, [{inet_backend, B}, {line_delimiter, $;}], 1000)) end),
    {_, C3b, S3b} = pair(B, [binary, {active, false}, {packet, line}], [binary, {active, false}]),
    ?R("14.setopts line_delimiter $;", inet:setopts(S3b, [{line_delimiter, $;}])),
    ok = gen_tcp:send(C3b, <<"ab;cd\nef;">>), sleep(50),
    ?R("14.line_delimiter $; recv#1", gen_tcp:recv(S3b, 0, 300)),
    ?R("14.line_delimiter $; recv#2", gen_tcp:recv(S3b, 0, 300)),
    %% packet 2 oversize
    {_, C4, S4} = pair(B, [binary, {active, false}, {packet, 2}, {packet_size, 10}], [binary, {active, false}]),
    ok = gen_tcp:send(C4, <<0, 20, (binary:copy(<<"b">>, 20))/binary>>), sleep(100),
    ?R("14.packet 2 packet_size 10, 20 byte frame: recv#1", gen_tcp:recv(S4, 0, 500)),
    ?R("14.packet 2 oversize: recv#2", gen_tcp:recv(S4, 0, 300)),
    ?R("14.packet 2 oversize: send after", gen_tcp:send(S4, <<"x">>)),
    ?R("14.packet 2 oversize: peer recv", gen_tcp:recv(C4, 0, 300)),
    %% exactly packet_size
    {_, C4b, S4b} = pair(B, [binary, {active, false}, {packet, 2}, {packet_size, 10}], [binary, {active, false}]),
    ok = gen_tcp:send(C4b, <<0, 10, (binary:copy(<<"b">>, 10))/binary>>), sleep(50),
    ?R("14.packet 2 packet_size 10, 10 byte frame", gen_tcp:recv(S4b, 0, 500)),
    %% active
    {_, C5, _S5} = pair(B, [binary, {active, true}, {packet, 2}, {packet_size, 10}], [binary, {active, false}]),
    ok = gen_tcp:send(C5, <<0, 20, (binary:copy(<<"b">>, 20))/binary>>),
    r("14.packet 2 oversize active: msgs", flush(500)),
    {_, C6, _S6} = pair(B, [binary, {active, true}, {packet, line}, {packet_size, 16}], [binary, {active, false}]),
    ok = gen_tcp:send(C6, <<Long/binary, "\n">>),
    r("14.line packet_size 16 active: msgs", flush(500)),
    %% packet 2 sending more than 65535 bytes
    {_, C7, _S7} = pair(B, [binary, {active, false}], [binary, {active, false}, {packet, 1}]),
    ?R("14.send 300 bytes with packet 1", gen_tcp:send(C7, binary:copy(<<"c">>, 300))),
    ok.

%% ---------------------------------------------------------------------------
%% Q15: exit_on_close false

q15(B) ->
    [q15one(B, E) || E <- [false, true]],
    ok.

q15one(B, E) ->
    P = "15.exit_on_close=" ++ atom_to_list(E) ++ ".",
    {_, C, S} = pair(B, [binary, {active, false}, {exit_on_close, E}], [binary, {active, false}]),
    ok = gen_tcp:send(C, <<"abc">>), ok = gen_tcp:shutdown(C, write), sleep(100),
    ?R(P ++ "peer half-close: recv#1", gen_tcp:recv(S, 0, 500)),
    ?R(P ++ "peer half-close: recv#2", gen_tcp:recv(S, 0, 500)),
    ?R(P ++ "peer half-close: send", gen_tcp:send(S, <<"reply">>)),
    ?R(P ++ "peer half-close: peer recv", gen_tcp:recv(C, 0, 500)),
    ?R(P ++ "peer half-close: recv#3", gen_tcp:recv(S, 0, 300)),
    %% full close of peer
    {_, C2, S2} = pair(B, [binary, {active, false}, {exit_on_close, E}], [binary, {active, false}]),
    ok = gen_tcp:send(C2, <<"abc">>), ok = gen_tcp:close(C2), sleep(100),
    ?R(P ++ "peer close: recv#1", gen_tcp:recv(S2, 0, 500)),
    ?R(P ++ "peer close: recv#2", gen_tcp:recv(S2, 0, 500)),
    ?R(P ++ "peer close: send#1", gen_tcp:send(S2, <<"reply">>)),
    sleep(100),
    ?R(P ++ "peer close: send#2", gen_tcp:send(S2, <<"reply">>)),
    sleep(100),
    ?R(P ++ "peer close: send#3", gen_tcp:send(S2, <<"reply">>)),
    ?R(P ++ "peer close: recv#3", gen_tcp:recv(S2, 0, 300)),
    ?R(P ++ "peer close: getopts", inet:getopts(S2, [active])),
    ?R(P ++ "peer close: close", gen_tcp:close(S2)),
    %% active
    {_, C3, S3} = pair(B, [binary, {active, true}, {exit_on_close, E}], [binary, {active, false}]),
    ok = gen_tcp:send(C3, <<"abc">>), ok = gen_tcp:close(C3),
    r(P ++ "active, peer close: msgs", flush(300)),
    ?R(P ++ "active, peer close: send", gen_tcp:send(S3, <<"reply">>)),
    sleep(100),
    ?R(P ++ "active, peer close: send#2", gen_tcp:send(S3, <<"reply">>)),
    r(P ++ "active, peer close: msgs after sends", flush(200)),
    ok.

%% ---------------------------------------------------------------------------
%% Q16: header

q16(B) ->
    [q16one(B, M) || M <- [list, binary]],
    ok.

q16one(B, M) ->
    P = "16.header 2 mode " ++ atom_to_list(M) ++ ".",
    Cases = [{"5 bytes", <<"abcde">>}, {"2 bytes (= header)", <<"xy">>}, {"1 byte (< header)", <<"z">>}],
    lists:foreach(
      fun({Name, Data}) ->
              {_, C, S} = pair(B, [M, {active, false}, {header, 2}], [binary, {active, false}]),
              ok = gen_tcp:send(C, Data), sleep(50),
              ?R(P ++ "recv(S,0) " ++ Name, gen_tcp:recv(S, 0, 500)),
              {_, C2, _S2} = pair(B, [M, {active, true}, {header, 2}], [binary, {active, false}]),
              ok = gen_tcp:send(C2, Data),
              r(P ++ "active msg " ++ Name, flush(200))
      end, Cases),
    {_, _, S3} = pair(B, [M, {active, false}, {header, 2}], [binary, {active, false}]),
    ?R(P ++ "getopts header", inet:getopts(S3, [header, mode])),
    {_, C4, S4} = pair(B, [M, {active, false}, {header, 2}, {packet, 2}], [binary, {active, false}, {packet, 2}]),
    ok = gen_tcp:send(C4, <<"abcde">>), sleep(50),
    ?R(P ++ "with packet 2: recv", gen_tcp:recv(S4, 0, 500)),
    ok.

%% ---------------------------------------------------------------------------
%% Q17: setopts then getopts, one option at a time (the round-trip rows of
%% the option table, core/src/options/table.rs)

round_trips() ->
    [{active, once}, {active, 3}, {active, true}, {active, 40000},
     {buffer, 4096}, {debug, true}, {delay_send, true}, {deliver, port},
     {dontroute, true}, {exit_on_close, false}, {exclusiveaddruse, true},
     {header, 3}, {high_msgq_watermark, 100000}, {low_msgq_watermark, 100},
     {high_watermark, 100000}, {low_watermark, 100}, {keepalive, true},
     {linger, {true, 5}}, {linger, {false, 5}}, {mode, binary}, {mode, list},
     list,
     {nodelay, true},
     {packet, 1}, {packet, 2}, {packet, 4}, {packet, line}, {packet, sunrm},
     {packet, asn1}, {packet, cdr}, {packet, fcgi}, {packet, tpkt},
     {packet, http}, {packet, httph}, {packet, http_bin}, {packet, httph_bin},
     {packet_size, 1000}, {line_delimiter, $;}, {priority, 3},
     {recbuf, 65536}, {reuseaddr, true}, {reuseport, true},
     {reuseport_lb, true}, {send_timeout, 1500}, {send_timeout, infinity},
     {send_timeout_close, true}, {show_econnreset, true}, {sndbuf, 65536},
     {tos, 16}, {tclass, 16}, {ttl, 12}, {recvtos, true}, {recvtclass, true},
     {recvttl, true}, {ipv6_v6only, true}, {bind_to_device, <<"lo">>}].

q17(B) ->
    lists:foreach(
      fun(O) ->
              K = lists:flatten(io_lib:format("~w", [O])),
              N = case O of {Name, _} -> Name; list -> mode end,
              {_L, _C, S} = pair(B),
              ?R("17.setopts(S,[" ++ K ++ "]) then getopts", begin
                  R = inet:setopts(S, [O]),
                  {R, inet:getopts(S, [N])}
              end),
              %% {debug, true} prints every later call on that socket.
              inet:setopts(S, [{debug, false}])
      end, round_trips()),
    {_, _, S1} = pair(B),
    ?R("17.setopts(S,[{linger,{true,7}}]), then [{linger,{false,5}}], then getopts", begin
        R1 = inet:setopts(S1, [{linger, {true, 7}}]),
        R2 = inet:setopts(S1, [{linger, {false, 5}}]),
        {R1, R2, inet:getopts(S1, [linger])}
    end),
    %% A listen socket takes kernel options too.
    {ok, L} = gen_tcp:listen(0, [{inet_backend, B}, {ip, ?LO}]),
    socks([{L, 'L'}]),
    ?R("17.listen socket: setopts [nodelay,keepalive,linger] then getopts", begin
        R = inet:setopts(L, [{nodelay, true}, {keepalive, true}, {linger, {true, 2}}]),
        {R, inet:getopts(L, [nodelay, keepalive, linger])}
    end),
    %% Kernel options given to listen/connect are on the new sockets.
    {_, C2, S2} = pair(B, [binary, {active, false}, {nodelay, true}, {tos, 16}],
                       [binary, {active, false}, {keepalive, true}, {linger, {true, 3}}]),
    ?R("17.options given to connect: getopts(C,[keepalive,linger])",
       inet:getopts(C2, [keepalive, linger])),
    ?R("17.options given to listen: getopts(S,[nodelay,tos])",
       inet:getopts(S2, [nodelay, tos])),
    %% IPv6 options given to listen/connect of an IPv4 socket.
    ?R("17.listen([{recvtclass,true}]) (IPv4)",
       closeok(gen_tcp:listen(0, [{inet_backend, B}, {ip, ?LO}, {recvtclass, true}]))),
    ?R("17.listen([{ipv6_v6only,true}]) (IPv4)",
       closeok(gen_tcp:listen(0, [{inet_backend, B}, {ip, ?LO}, {ipv6_v6only, true}]))),
    {ok, L4} = gen_tcp:listen(0, [{inet_backend, B}, {ip, ?LO}]),
    {ok, P4} = inet:port(L4),
    ?R("17.connect([{tclass,16}]) (IPv4)",
       closeok(gen_tcp:connect(?LO, P4, [{inet_backend, B}, {tclass, 16}], 1000))),
    ok.

%% ---------------------------------------------------------------------------
%% Q18: {raw, Level, Opt, Size} bounds, {fd, Fd} that is not open, pktoptions

q18(B) ->
    {_, C, _} = pair(B),
    lists:foreach(
      fun(Sz) ->
              ?R("18.getopts(C,[{raw,6,1," ++ integer_to_list(Sz) ++ "}]) (TCP_NODELAY)",
                 inet:getopts(C, [{raw, 6, 1, Sz}]))
      end, [0, 4, 1000, 65522, 65523, 65536, 16#7fffffff, 16#80000000]),
    ?R("18.setopts(C,[{raw,6,1,<<1:32/native>>}]) then getopts nodelay", begin
        R = inet:setopts(C, [{raw, 6, 1, <<1:32/native>>}]),
        {R, inet:getopts(C, [nodelay])}
    end),
    ?R("18.getopts(C,[pktoptions])", inet:getopts(C, [pktoptions])),
    ?R("18.setopts(C,[{pktoptions,[]}])", inet:setopts(C, [{pktoptions, []}])),
    ?R("18.listen([{fd,999}]) (not open)",
       closeok(gen_tcp:listen(0, [{inet_backend, B}, {fd, 999}]))),
    ?R("18.connect([{fd,999}]) (not open)",
       closeok(gen_tcp:connect(?LO, 1, [{inet_backend, B}, {fd, 999}], 1000))),
    ok.
