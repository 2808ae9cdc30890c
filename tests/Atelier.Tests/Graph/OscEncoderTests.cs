using Atelier.Graph;
using Atelier.Graph.Osc;

namespace Atelier.Tests.Graph;

/// <summary>The OSC 1.0 encoder, byte for byte against packets worked out by hand from the specification.</summary>
public sealed class OscEncoderTests
{
    private static byte[] Ascii(string s) => System.Text.Encoding.ASCII.GetBytes(s);

    private static byte[] Cat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    [Fact]
    public void AFloat_ToAtelierValue()
    {
        var packet = new OscMessage("/atelier/value", OscArgument.Float(440f)).Encode();

        // "/atelier/value" is 14 bytes → 2 NULs to 16; ",f" → 2 NULs to 4; 440.0f is 0x43DC0000.
        packet.ShouldBe(Cat(Ascii("/atelier/value"), [0, 0], Ascii(",f"), [0, 0], [0x43, 0xDC, 0x00, 0x00]));
        packet.Length.ShouldBe(24);
    }

    [Fact]
    public void AnAddressOfAMultipleOf4Bytes_GetsFourNuls()
    {
        new OscMessage("/abc", OscArgument.Int(1)).Encode()
            .ShouldBe(Cat(Ascii("/abc"), [0, 0, 0, 0], Ascii(",i"), [0, 0], [0, 0, 0, 1]));
    }

    [Fact]
    public void EveryArgumentType_InOrder()
    {
        var packet = new OscMessage("/x", OscArgument.Int(-2), OscArgument.Str("hey"), OscArgument.Blob([1, 2, 3, 4, 5]),
            OscArgument.Bool(true), OscArgument.Bool(false), OscArgument.Float(-0.5f)).Encode();

        packet.ShouldBe(Cat(
            Ascii("/x"), [0, 0],
            Ascii(",isbTFf"), [0],
            [0xFF, 0xFF, 0xFF, 0xFE],          // -2, two's complement, big-endian
            Ascii("hey"), [0],                 // 3 bytes + 1 NUL
            [0, 0, 0, 5], [1, 2, 3, 4, 5], [0, 0, 0], // blob: size, bytes, padding to 8
            [0xBF, 0x00, 0x00, 0x00]));        // -0.5f; T and F carry no data
    }

    [Fact]
    public void NoArguments_StillHasATypeTagString()
    {
        new OscMessage("/go").Encode().ShouldBe(Cat(Ascii("/go"), [0], Ascii(","), [0, 0, 0]));
    }

    [Fact]
    public void GraphValues_BecomeFloatStringOrTrue()
    {
        OscMessage.FromValue("/v", Value.Of(0.25)).Encode().ShouldBe(Cat(Ascii("/v"), [0, 0], Ascii(",f"), [0, 0], [0x3E, 0x80, 0, 0]));
        OscMessage.FromValue("/v", Value.Of("on")).Encode().ShouldBe(Cat(Ascii("/v"), [0, 0], Ascii(",s"), [0, 0], Ascii("on"), [0, 0]));
        OscMessage.FromValue("/v", Value.Trigger).Encode().ShouldBe(Cat(Ascii("/v"), [0, 0], Ascii(",T"), [0, 0]));
    }

    [Fact]
    public void ABundle_HasItsHeaderTimeTagAndSizedElements()
    {
        var packet = new OscBundle(OscBundle.Immediately, [new OscMessage("/a", OscArgument.Int(7)), new OscMessage("/b")]).Encode();

        packet.ShouldBe(Cat(
            Ascii("#bundle"), [0],
            [0, 0, 0, 0, 0, 0, 0, 1],
            [0, 0, 0, 12], Ascii("/a"), [0, 0], Ascii(",i"), [0, 0], [0, 0, 0, 7],
            [0, 0, 0, 8], Ascii("/b"), [0, 0], Ascii(","), [0, 0, 0]));
    }

    [Theory]
    [InlineData("atelier", "must start with '/'")]
    [InlineData("/has space", "must not contain ' '")]
    [InlineData("/wild/*", "must not contain '*'")]
    [InlineData("/ünï", "must not contain 'ü'")]
    public void BadAddresses_AreRefused(string address, string problem)
    {
        OscMessage.AddressProblem(address).ShouldNotBeNull().ShouldContain(problem);
        Should.Throw<ArgumentException>(() => new OscMessage(address));
    }

    [Theory]
    [InlineData("127.0.0.1:9000", "127.0.0.1", 9000, true)]
    [InlineData("127.0.0.1:9000", "127.0.0.1", 9001, false)]
    [InlineData("Studio.Local:*", "studio.local", 1234, true)]
    [InlineData("localhost:*", "127.0.0.1", 9000, false)]
    [InlineData("[::1]:8000", "::1", 8000, true)]
    [InlineData("[::1]:8000", "[::1]", 8000, true)]
    [InlineData("", "127.0.0.1", 9000, false)]
    public void TheAllowList_MatchesHostAndPort(string entry, string host, int port, bool allowed)
    {
        OscAllowList.Parse([entry]).Allows(host, port).ShouldBe(allowed);
    }

    [Fact]
    public void TheAllowList_ReportsEntriesItCannotRead()
    {
        OscAllowList.Parse(["host", "host:0", "host:x", ":9000", "ok:1"]).Invalid.ShouldBe(["host", "host:0", "host:x", ":9000"]);
    }

    [Fact]
    public async Task TheSender_DeliversToAnAllowedEndpoint_AndRefusesOthers()
    {
        using var receiver = new System.Net.Sockets.UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)receiver.Client.LocalEndPoint!).Port;
        using var sender = new OscUdpSender(OscAllowList.Parse([$"127.0.0.1:{port}"]));
        var packet = new OscMessage("/atelier/value", OscArgument.Float(440f)).Encode();

        (await sender.SendAsync("127.0.0.1", port + 1, packet, default)).Outcome.ShouldBe(OscSendOutcome.NotAllowed);
        (await sender.SendAsync("127.0.0.1", port, packet, default)).Outcome.ShouldBe(OscSendOutcome.Sent);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        (await receiver.ReceiveAsync(cts.Token)).Buffer.ShouldBe(packet);
    }
}
