//! The README's ten-line example, kept compiling and true.

#[test]
fn readme_example_runs() -> gen_tcp::Result<()> {
    use gen_tcp::{Active, InetBackend, Opt, PacketType};

    let l = gen_tcp::listen(
        0,
        &[
            Opt::Binary,
            Opt::Packet(PacketType::Two),
            Opt::Active(Active::False),
        ],
    )?;
    let port = gen_tcp::port(&l)?;
    let c = gen_tcp::connect(
        "localhost",
        port,
        &[
            Opt::InetBackend(InetBackend::Socket),
            Opt::Binary,
            Opt::Packet(PacketType::Two),
        ],
        None,
    )?;
    let s = gen_tcp::accept(&l, None)?;
    gen_tcp::send(&c, "hello")?; // one {packet, 2} frame
    assert_eq!(gen_tcp::recv(&s, 0, None)?, b"hello"); // the whole frame, header stripped
    gen_tcp::close(&c)?;
    Ok(())
}
