#!/usr/bin/env escript
%% -*- erlang -*-
%%! +S 1:1 -kernel logger_level emergency
%%
%% Real Erlang/OTP gen_tcp on the workloads of `just bench`, for the rows
%% `otp inet` and `otp socket` (benches/src/otp.rs runs this script).
%%
%% Usage:
%%   escript bench.escript ping-pong BACKEND TRIPS
%%   escript bench.escript bulk-recv BACKEND CHUNKS CHUNK_BYTES
%%   escript bench.escript framed    BACKEND MESSAGES BODY_BYTES
%%   escript bench.escript setup     BACKEND CONNECTIONS
%%   escript bench.escript served    BACKEND CONNS ROUNDS MESSAGE_BYTES
%%   escript bench.escript http      BACKEND
%% BACKEND is inet or socket, given as {inet_backend, BACKEND}.
%%
%% Prints `otp_release R`, then one result line: `rt_per_s N`,
%% `mb_per_s N` (10^6 bytes/s), `msg_per_s N` or `conn_per_s N`; or
%% `error REASON` and exits 1.
%% For `served` the client is the bench's own (one mio event loop): the
%% script prints `port P` once it listens, serves CONNS connections until
%% every client has closed, and prints `peak_rss BYTES`, the growth of
%% the VM's peak RSS over the run (VmHWM after - VmRSS before, as the
%% bench measures its own servers), and `peak_rss_total BYTES` (VmHWM).
%% For `http` it prints `listening on http://127.0.0.1:PORT/` and serves
%% HTTP/1.1 until it is killed; the load is wrk.
%%
%% Timing starts and ends inside the VM (erlang:monotonic_time), so the
%% VM's start-up is not measured. The bench runs the BEAM pinned to one
%% CPU with ERL_FLAGS="+S 1:1" (one scheduler).
-mode(compile).

main(["http", Backend]) ->
    io:format("otp_release ~s~n", [erlang:system_info(otp_release)]),
    try http_server(list_to_atom(Backend))
    catch
        Class:Reason -> fail({Class, Reason})
    end;
main([Section, Backend | Sizes]) ->
    B = list_to_atom(Backend),
    Ns = [list_to_integer(S) || S <- Sizes],
    io:format("otp_release ~s~n", [erlang:system_info(otp_release)]),
    try run(Section, B, Ns) of
        {Key, Value} -> io:format("~s ~.1f~n", [Key, float(Value)]), halt(0)
    catch
        Class:Reason -> fail({Class, Reason})
    end;
main(_) ->
    fail(usage).

fail(Reason) ->
    io:format("error ~0p~n", [Reason]),
    halt(1).

%% a. Ping-pong: 1 byte there and back, passive recv; client and server
%% are separate processes.
run("ping-pong", B, [Trips]) ->
    Opts = [{inet_backend, B}, binary, {active, false}, {packet, raw}, {nodelay, true}],
    {ok, L} = gen_tcp:listen(0, Opts),
    {ok, Port} = inet:port(L),
    Parent = self(),
    spawn_link(fun() ->
                       {ok, S} = gen_tcp:accept(L),
                       echo(S),
                       Parent ! server_done
               end),
    spawn_link(fun() ->
                       {ok, C} = gen_tcp:connect({127, 0, 0, 1}, Port, Opts),
                       T0 = erlang:monotonic_time(),
                       ping(C, Trips),
                       T1 = erlang:monotonic_time(),
                       ok = gen_tcp:close(C),
                       Parent ! {elapsed, T1 - T0}
               end),
    Elapsed = receive {elapsed, E} -> E end,
    receive server_done -> ok end,
    {rt_per_s, Trips / seconds(Elapsed)};
%% b. Bulk: CHUNKS sends of one CHUNK_BYTES binary; the reader takes them
%% with recv(S, 0). Timed from the first send to the last byte read.
run("bulk-recv", B, [Chunks, Chunk]) ->
    Total = Chunks * Chunk,
    Opts = [{inet_backend, B}, binary, {active, false}, {packet, raw}],
    {ok, L} = gen_tcp:listen(0, Opts),
    {ok, Port} = inet:port(L),
    Parent = self(),
    spawn_link(fun() ->
                       {ok, S} = gen_tcp:accept(L),
                       drain(S, Total),
                       End = erlang:monotonic_time(),
                       ok = gen_tcp:close(S),
                       Parent ! {'end', End}
               end),
    spawn_link(fun() ->
                       {ok, C} = gen_tcp:connect({127, 0, 0, 1}, Port, Opts),
                       Buf = binary:copy(<<7>>, Chunk),
                       Start = erlang:monotonic_time(),
                       stream(C, Buf, Chunks),
                       %% Stay open until the reader has it all and closes.
                       case gen_tcp:recv(C, 0) of
                           {ok, _} -> ok;
                           {error, closed} -> ok
                       end,
                       gen_tcp:close(C),
                       Parent ! {start, Start}
               end),
    End = receive {'end', E} -> E end,
    Start = receive {start, S0} -> S0 end,
    {mb_per_s, Total / seconds(End - Start) / 1.0e6};
%% c. {packet, 4} messages of BODY_BYTES, one send each; the reader takes
%% each with recv(S, 0). Timed from the first send to the last message.
run("framed", B, [Msgs, Body]) ->
    Opts = [{inet_backend, B}, binary, {active, false}, {packet, 4}, {nodelay, true}],
    {ok, L} = gen_tcp:listen(0, Opts),
    {ok, Port} = inet:port(L),
    Parent = self(),
    spawn_link(fun() ->
                       {ok, S} = gen_tcp:accept(L),
                       receive_messages(S, Msgs, Body),
                       End = erlang:monotonic_time(),
                       ok = gen_tcp:close(S),
                       Parent ! {'end', End}
               end),
    spawn_link(fun() ->
                       {ok, C} = gen_tcp:connect({127, 0, 0, 1}, Port, Opts),
                       Msg = binary:copy(<<7>>, Body),
                       Start = erlang:monotonic_time(),
                       stream(C, Msg, Msgs),
                       case gen_tcp:recv(C, 0) of
                           {ok, _} -> ok;
                           {error, closed} -> ok
                       end,
                       gen_tcp:close(C),
                       Parent ! {start, Start}
               end),
    End = receive {'end', E} -> E end,
    Start = receive {start, S0} -> S0 end,
    {msg_per_s, Msgs / seconds(End - Start)};
%% d. Connect, accept, close both ends, in one process.
run("setup", B, [N]) ->
    Opts = [{inet_backend, B}, binary, {active, false}],
    {ok, L} = gen_tcp:listen(0, Opts),
    {ok, Port} = inet:port(L),
    T0 = erlang:monotonic_time(),
    setup(L, Port, Opts, N),
    T1 = erlang:monotonic_time(),
    {conn_per_s, N / seconds(T1 - T0)};
%% e. One server process in {active, once} for every connection.
run("served", B, [Conns, _Rounds, _Message]) ->
    Opts = [{inet_backend, B}, binary, {active, once}, {packet, raw},
            {nodelay, true}, {backlog, min(Conns, 4096)}],
    {ok, L} = gen_tcp:listen(0, Opts),
    {ok, Port} = inet:port(L),
    %% Reset VmHWM to the current RSS (Linux 4.0+).
    _ = file:write_file("/proc/self/clear_refs", "5"),
    Before = status_bytes("VmRSS"),
    io:format("port ~b~n", [Port]),
    Open = [accept(L) || _ <- lists:seq(1, Conns)],
    serve(Conns),
    Peak = status_bytes("VmHWM"),
    _ = Open,
    io:format("peak_rss ~b~n", [max(Peak - Before, 0)]),
    {peak_rss_total, Peak}.

%% A `Name:   1234 kB` line of /proc/self/status, in bytes.
status_bytes(Name) ->
    {ok, Status} = file:read_file("/proc/self/status"),
    {match, [Kb]} = re:run(Status, Name ++ ":\\s*(\\d+) kB",
                           [{capture, all_but_first, list}]),
    list_to_integer(Kb) * 1024.

accept(L) ->
    {ok, S} = gen_tcp:accept(L, 30000),
    S.

serve(0) ->
    ok;
serve(Open) ->
    receive
        {tcp, S, Data} ->
            ok = gen_tcp:send(S, Data),
            ok = inet:setopts(S, [{active, once}]),
            serve(Open);
        {tcp_closed, _} ->
            serve(Open - 1);
        {tcp_error, _, Reason} ->
            exit({tcp_error, Reason})
    after 30000 ->
            exit(timeout)
    end.

receive_messages(_, 0, _) ->
    ok;
receive_messages(S, N, Body) ->
    {ok, Msg} = gen_tcp:recv(S, 0),
    Body = byte_size(Msg),
    receive_messages(S, N - 1, Body).

setup(_, _, _, 0) ->
    ok;
setup(L, Port, Opts, N) ->
    {ok, C} = gen_tcp:connect({127, 0, 0, 1}, Port, Opts),
    {ok, S} = gen_tcp:accept(L),
    ok = gen_tcp:close(C),
    ok = gen_tcp:close(S),
    setup(L, Port, Opts, N - 1).

%% f. HTTP/1.1 keep-alive with {packet, http_bin}, as the example
%% gen_tcp/examples/http_server.rs: one acceptor at a time, which spawns
%% the next acceptor and serves the connection it accepted.
http_server(B) ->
    Opts = [{inet_backend, B}, binary, {packet, http_bin}, {active, false},
            {ip, {127, 0, 0, 1}}, {reuseaddr, true}, {backlog, 1024},
            {nodelay, true}],
    {ok, L} = gen_tcp:listen(0, Opts),
    {ok, Port} = inet:port(L),
    spawn(fun() -> http_acceptor(L) end),
    io:format("otp http server listening on http://127.0.0.1:~b/~n", [Port]),
    receive stop -> ok end.

http_acceptor(L) ->
    case gen_tcp:accept(L) of
        {ok, S} ->
            spawn(fun() -> http_acceptor(L) end),
            http_request(S);
        {error, closed} ->
            ok;
        {error, _} ->
            http_acceptor(L)
    end.

-define(IDLE, 60000).
-define(MAX_BODY, 1048576).
-define(MAX_HEADERS, 100).

http_request(S) ->
    case gen_tcp:recv(S, 0, ?IDLE) of
        {ok, {http_request, Method, _Uri, {1, Minor}}} when Minor =< 1 ->
            http_headers(S, Method =:= 'HEAD', Minor =:= 1, 0, 0);
        {ok, {http_request, _, _, _}} ->
            http_refuse(S, <<"505 HTTP Version Not Supported">>);
        {ok, _} ->
            http_refuse(S, <<"400 Bad Request">>);
        {error, _} ->
            gen_tcp:close(S)
    end.

http_headers(S, _, _, _, N) when N > ?MAX_HEADERS ->
    http_refuse(S, <<"400 Bad Request">>);
http_headers(S, HeadOnly, KeepAlive, Length, N) ->
    case gen_tcp:recv(S, 0, ?IDLE) of
        {ok, {http_header, _, 'Content-Length', _, V}} ->
            case catch binary_to_integer(V) of
                L when is_integer(L), L >= 0, L =< ?MAX_BODY ->
                    http_headers(S, HeadOnly, KeepAlive, L, N + 1);
                L when is_integer(L), L > ?MAX_BODY ->
                    http_refuse(S, <<"413 Payload Too Large">>);
                _ ->
                    http_refuse(S, <<"400 Bad Request">>)
            end;
        {ok, {http_header, _, 'Transfer-Encoding', _, _}} ->
            http_refuse(S, <<"501 Not Implemented">>);
        {ok, {http_header, _, 'Connection', _, V}} ->
            Tokens = [string:trim(T) || T <- string:split(string:lowercase(V), <<",">>, all)],
            K = case {lists:member(<<"close">>, Tokens), lists:member(<<"keep-alive">>, Tokens)} of
                    {true, _} -> false;
                    {_, true} -> true;
                    _ -> KeepAlive
                end,
            http_headers(S, HeadOnly, K, Length, N + 1);
        {ok, {http_header, _, _, _, _}} ->
            http_headers(S, HeadOnly, KeepAlive, Length, N + 1);
        {ok, http_eoh} ->
            http_body(S, HeadOnly, KeepAlive, Length);
        {ok, _} ->
            http_refuse(S, <<"400 Bad Request">>);
        {error, _} ->
            gen_tcp:close(S)
    end.

http_body(S, HeadOnly, KeepAlive, 0) ->
    http_reply(S, HeadOnly, KeepAlive);
http_body(S, HeadOnly, KeepAlive, Length) ->
    ok = inet:setopts(S, [{packet, raw}]),
    case gen_tcp:recv(S, Length, ?IDLE) of
        {ok, _} ->
            ok = inet:setopts(S, [{packet, http_bin}]),
            http_reply(S, HeadOnly, KeepAlive);
        {error, _} ->
            gen_tcp:close(S)
    end.

-define(BODY, <<"Hello, world!\n">>).

http_reply(S, HeadOnly, KeepAlive) ->
    Connection = case KeepAlive of
                     true -> <<>>;
                     false -> <<"Connection: close\r\n">>
                 end,
    Head = [<<"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ">>,
            integer_to_binary(byte_size(?BODY)), <<"\r\n">>, Connection, <<"\r\n">>],
    Reply = case HeadOnly of
                true -> Head;
                false -> [Head, ?BODY]
            end,
    case {gen_tcp:send(S, Reply), KeepAlive} of
        {ok, true} -> http_request(S);
        _ -> gen_tcp:close(S)
    end.

http_refuse(S, Status) ->
    _ = gen_tcp:send(S, [<<"HTTP/1.1 ">>, Status,
                         <<"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n">>]),
    gen_tcp:close(S).

echo(S) ->
    case gen_tcp:recv(S, 0) of
        {ok, Ping} -> ok = gen_tcp:send(S, Ping), echo(S);
        {error, closed} -> ok
    end.

ping(_, 0) ->
    ok;
ping(C, N) ->
    ok = gen_tcp:send(C, <<1>>),
    {ok, _} = gen_tcp:recv(C, 0),
    ping(C, N - 1).

drain(_, Left) when Left =< 0 ->
    ok;
drain(S, Left) ->
    {ok, Bin} = gen_tcp:recv(S, 0),
    drain(S, Left - byte_size(Bin)).

stream(_, _, 0) ->
    ok;
stream(C, Buf, N) ->
    ok = gen_tcp:send(C, Buf),
    stream(C, Buf, N - 1).

seconds(Native) ->
    erlang:convert_time_unit(Native, native, nanosecond) / 1.0e9.
