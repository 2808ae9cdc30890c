using System.Buffers.Binary;
using System.Text;

namespace Atelier.Features.Media.Processing;

internal enum ImageFormat { Jpeg, Png, Gif, WebP }

/// <summary>
/// What an image's header declares, read without decoding a pixel: enough to refuse a decompression bomb before any
/// decoder allocates for it. Null from <see cref="Read"/> means the header itself is unreadable.
/// </summary>
internal sealed record ImageHeader(ImageFormat Format, int Width, int Height, bool HasAlpha, int Frames)
{
    public static ImageFormat? Sniff(ReadOnlySpan<byte> head) => head switch
    {
        [0xFF, 0xD8, 0xFF, ..] => ImageFormat.Jpeg,
        [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => ImageFormat.Png,
        [(byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'7' or (byte)'9', (byte)'a', ..] => ImageFormat.Gif,
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => ImageFormat.WebP,
        _ => null,
    };

    public static ImageHeader? Read(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.SequentialScan);
        Span<byte> head = stackalloc byte[16];
        var n = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        file.Position = 0;
        try
        {
            return Sniff(head[..n]) switch
            {
                ImageFormat.Jpeg => ReadJpeg(file),
                ImageFormat.Png => ReadPng(file),
                ImageFormat.Gif => ReadGif(file),
                ImageFormat.WebP => ReadWebP(file),
                _ => null,
            };
        }
        catch (EndOfStreamException)
        {
            return null;
        }
    }

    private static ImageHeader? ReadJpeg(Stream s)
    {
        s.Position = 2;
        Span<byte> b = stackalloc byte[8];
        while (true)
        {
            // Markers may be padded with any number of 0xFF bytes.
            var marker = s.ReadByte();
            if (marker != 0xFF)
            {
                return null;
            }

            do
            {
                marker = s.ReadByte();
            }
            while (marker == 0xFF);

            if (marker < 0)
            {
                return null;
            }

            if (marker is 0xD8 or 0x01 or (>= 0xD0 and <= 0xD7))
            {
                continue; // Stand-alone markers.
            }

            if (marker is 0xD9 or 0xDA)
            {
                return null; // End of image or start of scan before any frame header.
            }

            s.ReadExactly(b[..2]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(b);
            if (length < 2)
            {
                return null;
            }

            // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                s.ReadExactly(b[..6]);
                var height = BinaryPrimitives.ReadUInt16BigEndian(b[1..]);
                var width = BinaryPrimitives.ReadUInt16BigEndian(b[3..]);
                return new ImageHeader(ImageFormat.Jpeg, width, height, HasAlpha: false, Frames: 1);
            }

            s.Seek(length - 2, SeekOrigin.Current);
            if (s.Position > s.Length)
            {
                return null;
            }
        }
    }

    private static ImageHeader? ReadPng(Stream s)
    {
        s.Position = 8;
        Span<byte> b = stackalloc byte[13];
        int? width = null, height = null;
        var colorType = 0;
        var transparency = false;
        var frames = 1;
        while (s.Position + 8 <= s.Length)
        {
            s.ReadExactly(b[..8]);
            var length = BinaryPrimitives.ReadUInt32BigEndian(b);
            var type = Encoding.ASCII.GetString(b[4..8]);
            if (width is null)
            {
                if (type != "IHDR" || length != 13)
                {
                    return null;
                }

                s.ReadExactly(b);
                width = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(b), int.MaxValue);
                height = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(b[4..]), int.MaxValue);
                colorType = b[9];
                s.Seek(4, SeekOrigin.Current);
                continue;
            }

            switch (type)
            {
                case "tRNS":
                    transparency = true;
                    break;
                case "acTL" when length >= 4:
                    s.ReadExactly(b[..4]);
                    frames = (int)Math.Clamp(BinaryPrimitives.ReadUInt32BigEndian(b), 1, int.MaxValue);
                    length -= 4;
                    break;
                case "IDAT" or "IEND":
                    return new ImageHeader(ImageFormat.Png, width.Value, height!.Value, colorType is 4 or 6 || transparency, frames);
            }

            s.Seek((long)length + 4, SeekOrigin.Current);
        }

        return width is null ? null : new ImageHeader(ImageFormat.Png, width.Value, height!.Value, colorType is 4 or 6 || transparency, frames);
    }

    /// <summary>Walks the whole block structure: the frame count and transparency are spread over it.</summary>
    private static ImageHeader? ReadGif(Stream file)
    {
        using var s = new BufferedStream(file, 65536);
        Span<byte> b = stackalloc byte[256];
        s.ReadExactly(b[..13]);
        var width = BinaryPrimitives.ReadUInt16LittleEndian(b[6..]);
        var height = BinaryPrimitives.ReadUInt16LittleEndian(b[8..]);
        if ((b[10] & 0x80) != 0)
        {
            Skip(s, 3 * (1 << ((b[10] & 0x07) + 1)));
        }

        var frames = 0;
        var transparency = false;
        while (true)
        {
            var block = s.ReadByte();
            switch (block)
            {
                case 0x2C:
                    s.ReadExactly(b[..9]);
                    if ((b[8] & 0x80) != 0)
                    {
                        Skip(s, 3 * (1 << ((b[8] & 0x07) + 1)));
                    }

                    s.ReadExactly(b[..1]); // LZW minimum code size
                    SkipSubBlocks(s);
                    frames++;
                    break;
                case 0x21:
                    // An extension is a label and sub-blocks; a graphic control's first one holds the transparency flag.
                    var label = s.ReadByte();
                    var size = s.ReadByte();
                    if (size < 0)
                    {
                        return null;
                    }

                    if (size == 0)
                    {
                        break;
                    }

                    s.ReadExactly(b[..size]);
                    if (label == 0xF9)
                    {
                        transparency |= (b[0] & 0x01) != 0;
                    }

                    SkipSubBlocks(s);
                    break;
                case 0x3B or -1:
                    // A missing trailer is common in the wild and harmless; no frame at all is not an image.
                    return frames == 0 ? null : new ImageHeader(ImageFormat.Gif, width, height, transparency, frames);
                default:
                    return null;
            }
        }
    }

    private static void SkipSubBlocks(Stream s)
    {
        int size;
        while ((size = s.ReadByte()) > 0)
        {
            Skip(s, size);
        }

        if (size < 0)
        {
            throw new EndOfStreamException();
        }
    }

    private static void Skip(Stream s, int count)
    {
        Span<byte> buffer = stackalloc byte[256];
        while (count > 0)
        {
            var n = Math.Min(count, buffer.Length);
            s.ReadExactly(buffer[..n]);
            count -= n;
        }
    }

    private static ImageHeader? ReadWebP(Stream s)
    {
        int? width = null, height = null;
        var alpha = false;
        var animated = false;
        var frames = 0;
        Span<byte> b = stackalloc byte[10];
        foreach (var chunk in RiffChunks(s))
        {
            switch (chunk.Type)
            {
                case "VP8X" when chunk.Length >= 10:
                    s.Position = chunk.DataOffset;
                    s.ReadExactly(b);
                    alpha = (b[0] & 0x10) != 0;
                    animated = (b[0] & 0x02) != 0;
                    width = 1 + (b[4] | b[5] << 8 | b[6] << 16);
                    height = 1 + (b[7] | b[8] << 8 | b[9] << 16);
                    break;
                case "VP8 " when chunk.Length >= 10 && width is null:
                    s.Position = chunk.DataOffset;
                    s.ReadExactly(b);
                    if (b[3] != 0x9D || b[4] != 0x01 || b[5] != 0x2A)
                    {
                        return null;
                    }

                    width = BinaryPrimitives.ReadUInt16LittleEndian(b[6..]) & 0x3FFF;
                    height = BinaryPrimitives.ReadUInt16LittleEndian(b[8..]) & 0x3FFF;
                    break;
                case "VP8L" when chunk.Length >= 5 && width is null:
                    s.Position = chunk.DataOffset;
                    s.ReadExactly(b[..5]);
                    if (b[0] != 0x2F)
                    {
                        return null;
                    }

                    var bits = BinaryPrimitives.ReadUInt32LittleEndian(b[1..]);
                    width = (int)(bits & 0x3FFF) + 1;
                    height = (int)((bits >> 14) & 0x3FFF) + 1;
                    alpha = ((bits >> 28) & 1) != 0;
                    break;
                case "ANMF":
                    frames++;
                    break;
            }
        }

        return width is null ? null : new ImageHeader(ImageFormat.WebP, width.Value, height!.Value, alpha, animated ? Math.Max(frames, 1) : 1);
    }

    internal readonly record struct RiffChunk(string Type, long Offset, long DataOffset, uint Length);

    /// <summary>The top-level chunks of a RIFF/WEBP file; stops at the first one that runs past the end.</summary>
    internal static List<RiffChunk> RiffChunks(Stream s)
    {
        var chunks = new List<RiffChunk>();
        Span<byte> b = stackalloc byte[8];
        var position = 12L;
        while (position + 8 <= s.Length)
        {
            s.Position = position;
            s.ReadExactly(b);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(b[4..]);
            if (position + 8 + length > s.Length)
            {
                break;
            }

            chunks.Add(new RiffChunk(Encoding.ASCII.GetString(b[..4]), position, position + 8, length));
            position += 8 + length + (length & 1);
        }

        return chunks;
    }

    /// <summary>
    /// Removes the EXIF, XMP and ICC chunks of a WebP file in place. libvips 8.14 writes an EXIF block into WebP even
    /// when told to strip; a variant must carry nothing of the original's metadata (location, camera serial).
    /// </summary>
    internal static void StripWebPMetadata(string path)
    {
        var bytes = File.ReadAllBytes(path);
        using var input = new MemoryStream(bytes, writable: false);
        var chunks = RiffChunks(input);
        if (!chunks.Any(c => c.Type is "EXIF" or "XMP " or "ICCP"))
        {
            return;
        }

        using var output = new MemoryStream(bytes.Length);
        output.Write(bytes.AsSpan(0, 12));
        foreach (var chunk in chunks.Where(c => c.Type is not ("EXIF" or "XMP " or "ICCP")))
        {
            var start = output.Position;
            output.Write(bytes.AsSpan((int)chunk.Offset, (int)(8 + chunk.Length + (chunk.Length & 1))));
            if (chunk.Type == "VP8X")
            {
                // Clear the ICC (0x20), EXIF (0x08) and XMP (0x04) flags.
                var flags = output.GetBuffer();
                flags[start + 8] &= unchecked((byte)~(0x20 | 0x08 | 0x04));
            }
        }

        var result = output.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(4), (uint)(result.Length - 8));
        File.WriteAllBytes(path, result);
    }
}
