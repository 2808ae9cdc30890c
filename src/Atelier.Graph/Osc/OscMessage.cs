using System.Buffers.Binary;
using System.Text;

namespace Atelier.Graph.Osc;

/// <summary>An OSC 1.0 argument type tag this encoder writes.</summary>
public enum OscType
{
    /// <summary><c>i</c>: a 32-bit big-endian two's complement integer.</summary>
    Int32,

    /// <summary><c>f</c>: a 32-bit big-endian IEEE 754 float.</summary>
    Float32,

    /// <summary><c>s</c>: an ASCII string, NUL-terminated and padded to 4 bytes.</summary>
    String,

    /// <summary><c>b</c>: a blob, an int32 size then the bytes, padded to 4 bytes.</summary>
    Blob,

    /// <summary><c>T</c>: true, no argument data.</summary>
    True,

    /// <summary><c>F</c>: false, no argument data.</summary>
    False,
}

/// <summary>One OSC argument: its type and value.</summary>
/// <param name="Type">The type tag.</param>
/// <param name="Payload">An <see cref="int"/>, <see cref="float"/>, <see cref="string"/>, <c>byte[]</c>, or null for T/F.</param>
public readonly record struct OscArgument(OscType Type, object? Payload)
{
    /// <summary>An <c>i</c> argument.</summary>
    public static OscArgument Int(int value) => new(OscType.Int32, value);

    /// <summary>An <c>f</c> argument.</summary>
    public static OscArgument Float(float value) => new(OscType.Float32, value);

    /// <summary>An <c>s</c> argument (ASCII; other characters are sent as '?').</summary>
    public static OscArgument Str(string value) => new(OscType.String, value ?? throw new ArgumentNullException(nameof(value)));

    /// <summary>A <c>b</c> argument.</summary>
    public static OscArgument Blob(byte[] value) => new(OscType.Blob, value ?? throw new ArgumentNullException(nameof(value)));

    /// <summary>A <c>T</c> or <c>F</c> argument.</summary>
    public static OscArgument Bool(bool value) => new(value ? OscType.True : OscType.False, null);
}

/// <summary>
/// An OSC 1.0 message: an address pattern and arguments. <see cref="Encode"/> writes the packet: the address, then the
/// type tag string (<c>,</c> and one tag per argument), each as an OSC-string (ASCII, NUL-terminated, padded with NULs
/// to a multiple of 4 bytes), then the arguments in big-endian order.
/// </summary>
public sealed class OscMessage
{
    /// <summary>A message to <paramref name="address"/> with <paramref name="arguments"/>.</summary>
    /// <exception cref="ArgumentException">The address is not a valid OSC address (see <see cref="AddressProblem"/>).</exception>
    public OscMessage(string address, params IReadOnlyList<OscArgument> arguments)
    {
        if (AddressProblem(address) is { } problem)
        {
            throw new ArgumentException($"The OSC address '{address}' {problem}.", nameof(address));
        }
        Address = address;
        Arguments = arguments;
    }

    /// <summary>The address, e.g. <c>/atelier/value</c>.</summary>
    public string Address { get; }

    /// <summary>The arguments in order.</summary>
    public IReadOnlyList<OscArgument> Arguments { get; }

    /// <summary>The most bytes an address may have; keeps packets well within one UDP datagram.</summary>
    public const int MaxAddressLength = 200;

    /// <summary>
    /// Why <paramref name="address"/> cannot be sent to, or null when it can: it must start with <c>/</c>, be printable
    /// ASCII, and contain none of the characters OSC reserves for patterns (space <c># * , ? [ ] { }</c>), since we send
    /// to one method, not a pattern.
    /// </summary>
    public static string? AddressProblem(string address)
    {
        if (string.IsNullOrEmpty(address) || address[0] != '/')
        {
            return "must start with '/'";
        }
        if (address.Length > MaxAddressLength)
        {
            return $"is longer than {MaxAddressLength} characters";
        }
        foreach (var c in address)
        {
            if (c <= ' ' || c > '~' || "#*,?[]{}".Contains(c, StringComparison.Ordinal))
            {
                return $"must not contain '{c}' (printable ASCII without spaces or # * , ? [ ] {{ }})";
            }
        }
        return null;
    }

    /// <summary>
    /// The message for a graph value: a number as one <c>f</c> (OSC receivers in DAWs expect floats), text as <c>s</c>,
    /// a trigger as <c>T</c>, nothing as a message without arguments.
    /// </summary>
    public static OscMessage FromValue(string address, Value value) => value.Kind switch
    {
        ValueKind.Number => new(address, OscArgument.Float((float)value.Number)),
        ValueKind.Text => new(address, OscArgument.Str(value.Text!)),
        ValueKind.Trigger => new(address, OscArgument.Bool(true)),
        _ => new(address),
    };

    /// <summary>The packet bytes.</summary>
    public byte[] Encode()
    {
        var buffer = new OscWriter();
        Write(buffer);
        return buffer.ToArray();
    }

    internal void Write(OscWriter writer)
    {
        writer.String(Address);
        var tags = new StringBuilder(",", Arguments.Count + 1);
        foreach (var argument in Arguments)
        {
            tags.Append(argument.Type switch
            {
                OscType.Int32 => 'i',
                OscType.Float32 => 'f',
                OscType.String => 's',
                OscType.Blob => 'b',
                OscType.True => 'T',
                _ => 'F',
            });
        }
        writer.String(tags.ToString());
        foreach (var argument in Arguments)
        {
            switch (argument.Type)
            {
                case OscType.Int32:
                    writer.Int32((int)argument.Payload!);
                    break;
                case OscType.Float32:
                    writer.Int32(BitConverter.SingleToInt32Bits((float)argument.Payload!));
                    break;
                case OscType.String:
                    writer.String((string)argument.Payload!);
                    break;
                case OscType.Blob:
                    writer.Blob((byte[])argument.Payload!);
                    break;
                default:
                    break; // T and F carry no data
            }
        }
    }
}

/// <summary>An OSC 1.0 bundle: a time tag and elements (messages or bundles), each written with its int32 size.</summary>
/// <param name="TimeTag">The NTP time tag; 1 means "immediately".</param>
/// <param name="Messages">The messages, in order.</param>
public sealed record OscBundle(ulong TimeTag, IReadOnlyList<OscMessage> Messages)
{
    /// <summary>The time tag that means "immediately".</summary>
    public const ulong Immediately = 1;

    /// <summary>The packet bytes: <c>#bundle</c>, the time tag, then each message's size and bytes.</summary>
    public byte[] Encode()
    {
        var writer = new OscWriter();
        writer.String("#bundle");
        writer.UInt64(TimeTag);
        foreach (var message in Messages)
        {
            var bytes = message.Encode();
            writer.Int32(bytes.Length);
            writer.Bytes(bytes);
        }
        return writer.ToArray();
    }
}

/// <summary>Big-endian writing with OSC's 4-byte alignment.</summary>
internal sealed class OscWriter
{
    private readonly MemoryStream _stream = new();

    public void Int32(int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        _stream.Write(bytes);
    }

    public void UInt64(ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        _stream.Write(bytes);
    }

    /// <summary>ASCII, then 1 to 4 NULs so the length is a multiple of 4 (a string of 4 bytes gets 4 NULs: it must end in one).</summary>
    public void String(string value)
    {
        var bytes = Encoding.ASCII.GetBytes(value);
        _stream.Write(bytes);
        Pad(bytes.Length + 1, atLeastOne: true);
    }

    public void Blob(byte[] value)
    {
        Int32(value.Length);
        _stream.Write(value);
        Pad(value.Length, atLeastOne: false);
    }

    public void Bytes(byte[] value) => _stream.Write(value);

    public byte[] ToArray() => _stream.ToArray();

    private void Pad(int length, bool atLeastOne)
    {
        var total = (length + 3) & ~3;
        var zeros = total - length + (atLeastOne ? 1 : 0);
        for (var i = 0; i < zeros; i++)
        {
            _stream.WriteByte(0);
        }
    }
}
