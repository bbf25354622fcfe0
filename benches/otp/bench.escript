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
%%   escript bench.escript served    BACKEND CONNS ROUNDS MESSAGE_BYTES
%% BACKEND is inet or socket, given as {inet_backend, BACKEND}.
%%
%% Prints `otp_release R`, then one result line: `rt_per_s N` or
%% `mb_per_s N` (10^6 bytes/s); or `error REASON` and exits 1.
%% For `served` the clients are the bench's own (std::net threads): the
%% script prints `port P` once it listens, serves CONNS connections until
%% every client has closed, and prints `peak_rss BYTES`, the growth of
%% the VM's peak RSS over the run (VmHWM after - VmRSS before, as the
%% bench measures its own rows).
%%
%% Timing starts and ends inside the VM (erlang:monotonic_time), so the
%% VM's start-up is not measured. The bench runs ping-pong and bulk-recv
%% pinned to one CPU with ERL_FLAGS="+S 1:1" (one scheduler).
-mode(compile).

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
%% c. One server process in {active, once} for every connection.
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
    {peak_rss, max(Peak - Before, 0)}.

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
