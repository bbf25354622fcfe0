#!/usr/bin/env escript
%% -*- erlang -*-
%%! -kernel logger_level emergency
%%
%% What OTP bounds when a peer never finishes a packet, and the HTTP numbers
%% past 2^31 (issues 7 and 10): erlang:decode_packet/3 and real loopback
%% sockets of both backends. The answers are recorded in limits.txt beside
%% this file and held by core/tests/peer_limits.rs and the decoders' tables.
%%
%% Usage: escript core/tests/otp/limits.escript > core/tests/otp/limits.txt
-mode(compile).
-compile([export_all, nowarn_export_all]).

main(_) ->
    io:format("otp_release=~s erts=~s~n", [erlang:system_info(otp_release),
                                           erlang:system_info(version)]),
    decode_packet(),
    [sockets(B) || B <- [inet, socket]],
    halt(0).

p(Fmt, Args, V) -> io:format("~s: ~0p~n", [io_lib:format(Fmt, Args), V]).
rep(B, N) -> binary:copy(B, N).
tag(N) -> <<16#1f, (rep(<<16#80>>, N - 1))/binary>>.       % N bytes, never ends
line(N) -> rep(<<"a">>, N).
http(N) -> <<"GET /", (rep(<<"a">>, N - 5))/binary>>.

short({ok, B, R}) when is_binary(B) -> {ok, byte_size(B), byte_size(R)};
short({ok, B}) when is_binary(B) -> {ok, byte_size(B)};
short(X) -> X.

decode_packet() ->
    [p("decode_packet asn1, a tag of ~p bytes, packet_size ~p", [N, PS],
       erlang:decode_packet(asn1, tag(N), [{packet_size, PS}]))
     || N <- [2, 100000], PS <- [0, 16]],
    p("decode_packet asn1, a 101-byte tag, 5-byte body, packet_size 5", [],
      short(erlang:decode_packet(asn1, <<(tag(101))/binary, 1, 5, "abcde">>,
                                 [{packet_size, 5}]))),
    [p("decode_packet line, 100 bytes, packet_size ~p line_length ~p", [PS, LL],
       short(erlang:decode_packet(line, line(100), [{packet_size, PS}, {line_length, LL}])))
     || {PS, LL} <- [{0, 0}, {0, 50}, {99, 0}, {100, 0}, {100, 50}]],
    [p("decode_packet ~p, 100 bytes, packet_size ~p line_length ~p", [T, PS, LL],
       erlang:decode_packet(T, http(100), [{packet_size, PS}, {line_length, LL}]))
     || T <- [http_bin, httph_bin], {PS, LL} <- [{0, 0}, {0, 100}, {0, 101}, {100, 0}, {101, 0}]],
    [p("decode_packet httph_bin ~p, packet_size ~p", [B, PS],
       erlang:decode_packet(httph_bin, B, [{packet_size, PS}]))
     || B <- [<<"\r">>, <<"\r\n">>, <<"\r\nX">>], PS <- [1, 2]],
    [p("decode_packet http_bin ~p", [B], erlang:decode_packet(http_bin, B, []))
     || B <- numbers()],
    ok.

numbers() ->
    [<<"HTTP/2147483648.1 200 OK\r\n">>, <<"HTTP/4294967297.1 200 OK\r\n">>,
     <<"HTTP/1.2147483648 200 OK\r\n">>, <<"HTTP/1.1 2147483648 OK\r\n">>,
     <<"HTTP/1.1 3000000000 OK\r\n">>, <<"HTTP/1.1 99999999999 OK\r\n">>,
     <<"GET / HTTP/2147483648.0\r\n">>, <<"GET http://h:2147483648/ HTTP/1.1\r\n">>,
     <<"GET http://h:4294967296/ HTTP/1.1\r\n">>, <<"GET http://h:4294967376/ HTTP/1.1\r\n">>].

pair(Backend, Opts) ->
    {ok, L} = gen_tcp:listen(0, [{inet_backend, Backend}, binary, {active, false},
                                 {ip, {127,0,0,1}} | Opts]),
    {ok, Port} = inet:port(L),
    {ok, C} = gen_tcp:connect({127,0,0,1}, Port, [binary, {active, false}]),
    {ok, S} = gen_tcp:accept(L, 2000),
    gen_tcp:close(L),
    {C, S}.

%% Every answer until a timeout or an error, packets by size.
recv_all(S, Acc) ->
    case gen_tcp:recv(S, 0, 300) of
        {ok, D} when is_binary(D) -> recv_all(S, [byte_size(D) | Acc]);
        {ok, {http_request, _, {abs_path, P}, _}} -> recv_all(S, [{request, byte_size(P)} | Acc]);
        {ok, D} -> recv_all(S, [D | Acc]);
        Other -> lists:reverse([Other | Acc])
    end.

%% Runs of the same answer, as {Answer, Times}.
runs([]) -> [];
runs([X | T]) -> runs(T, X, 1, []).
runs([X | T], X, K, Acc) -> runs(T, X, K + 1, Acc);
runs([Y | T], X, K, Acc) -> runs(T, Y, 1, [{X, K} | Acc]);
runs([], X, K, Acc) -> lists:reverse([{X, K} | Acc]).

case_(B, Packet, Opts, What, Data) ->
    {C, S} = pair(B, [{packet, Packet} | Opts]),
    ok = gen_tcp:send(C, Data),
    p("~p {packet, ~p} ~w, ~s", [B, Packet, Opts, What], runs(recv_all(S, []))),
    gen_tcp:close(C), gen_tcp:close(S).

sockets(B) ->
    [case_(B, asn1, O, io_lib:format("a tag of ~p bytes", [N]), tag(N))
     || {O, Ns} <- [{[], [1459, 1460, 300000]},
                    {[{buffer, 1000}, {packet_size, 3000}], [2999, 3000]},
                    {[{buffer, 4096}, {packet_size, 1000}], [4095, 4096]}],
        N <- Ns],
    [case_(B, line, O, io_lib:format("~p bytes, no newline", [N]), line(N))
     || {O, N} <- [{[], 20000}, {[{buffer, 1000}, {packet_size, 3000}], 2999},
                   {[{buffer, 1000}, {packet_size, 3000}], 3001},
                   {[{packet_size, 1000}], 20000}]],
    case_(B, line, [], "a 20000-byte line", <<(line(20000))/binary, "\n">>),
    case_(B, line, [{packet_size, 16}], "a 20-byte line", <<(line(20))/binary, "\n">>),
    [case_(B, http_bin, O, io_lib:format("~p bytes, no newline", [N]), http(N))
     || {O, Ns} <- [{[], [1459, 1460, 300000]},
                    {[{buffer, 1000}, {packet_size, 3000}], [2999, 3000]},
                    {[{buffer, 1000}], [999, 1000]}],
        N <- Ns],
    case_(B, http_bin, [], "a 5000-byte request line",
          <<(http(5000))/binary, " HTTP/1.1\r\n">>),
    Header = <<"X-A: ", (rep(<<"v">>, 25))/binary, "\r\n\r\n">>,
    case_(B, httph_bin, [{buffer, 32}], "a 32-byte header then an empty line", Header),
    [case_(B, P, [{buffer, 1}], What, D)
     || {P, What, D} <- [{2, "a {packet,2} frame", <<0, 1, "a">>},
                         {cdr, "a cdr message", <<"GIOP", 1, 2, 0, 0, 0, 0, 0, 1, "a">>},
                         {asn1, "a 3-byte TLV", <<4, 1, "a">>},
                         {httph_bin, "an empty line", <<"\r\n">>}]],
    case_(B, cdr, [{packet_size, 1}], "a cdr message with a 1-byte body",
          <<"GIOP", 1, 2, 0, 0, 0, 0, 0, 1, "a">>),
    [case_(B, http_bin, [], io_lib:format("~p", [D]), D) || D <- numbers()],
    ok.
