using System.Text;
using Atelier.Features.Media.Processing;

namespace Atelier.Features.Media;

/// <summary>What the first bytes of a file say it is.</summary>
public sealed record SniffedType(MediaKind Kind, string ContentType, string Extension)
{
    /// <summary>SVG and glTF JSON are text: the first bytes only make them candidates, the whole file is checked after.</summary>
    public bool NeedsWholeFileCheck => ContentType is "image/svg+xml" or "model/gltf+json";
}

/// <summary>
/// Decides a file's type from its magic bytes, never from its name or the type the client declared. Anything not
/// recognised (executables, archives, unknown formats) is null, and the upload is refused.
/// </summary>
public static class MediaSniffer
{
    /// <summary>How many leading bytes <see cref="Sniff"/> looks at.</summary>
    public const int HeadLength = 1024;

    public static SniffedType? Sniff(ReadOnlySpan<byte> head)
    {
        switch (head)
        {
            case [0xFF, 0xD8, 0xFF, ..]:
                return new(MediaKind.Image, "image/jpeg", ".jpg");
            case [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, ..]:
                return new(MediaKind.Image, "image/png", ".png");
            case [(byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'7' or (byte)'9', (byte)'a', ..]:
                return new(MediaKind.Image, "image/gif", ".gif");
            case [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..]:
                return new(MediaKind.Image, "image/webp", ".webp");
            case [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'A', (byte)'V', (byte)'E', ..]:
                return new(MediaKind.Audio, "audio/wav", ".wav");
            case [(byte)'f', (byte)'L', (byte)'a', (byte)'C', ..]:
                return new(MediaKind.Audio, "audio/flac", ".flac");
            case [(byte)'I', (byte)'D', (byte)'3', ..]:
                return new(MediaKind.Audio, "audio/mpeg", ".mp3");
            case [(byte)'O', (byte)'g', (byte)'g', (byte)'S', ..]:
                return Contains(head, "theora"u8) ? new(MediaKind.Video, "video/ogg", ".ogv") : new(MediaKind.Audio, "audio/ogg", Contains(head, "OpusHead"u8) ? ".opus" : ".ogg");
            case [_, _, _, _, (byte)'f', (byte)'t', (byte)'y', (byte)'p', ..] when head.Length >= 12:
                return IsoBrand(Encoding.ASCII.GetString(head[8..12]));
            case [0x1A, 0x45, 0xDF, 0xA3, ..]:
                return Contains(head, "webm"u8) ? new(MediaKind.Video, "video/webm", ".webm") : new(MediaKind.Video, "video/x-matroska", ".mkv");
            case [(byte)'g', (byte)'l', (byte)'T', (byte)'F', ..]:
                return new(MediaKind.Model, "model/gltf-binary", ".glb");
            case [(byte)'%', (byte)'P', (byte)'D', (byte)'F', (byte)'-', ..]:
                return new(MediaKind.Document, "application/pdf", ".pdf");
            case [0xFF, var b, ..] when (b & 0xE0) == 0xE0:
                // An MPEG audio frame header without ID3 tags; layer bits 00 mean ADTS AAC.
                return (b & 0x06) == 0 ? new(MediaKind.Audio, "audio/aac", ".aac") : new(MediaKind.Audio, "audio/mpeg", ".mp3");
        }
        var text = SkipBomAndSpace(head);
        if (text is [(byte)'{', ..])
        {
            return new(MediaKind.Model, "model/gltf+json", ".gltf");
        }
        if (text is [(byte)'<', ..] && Contains(head, "<svg"u8))
        {
            return new(MediaKind.Image, "image/svg+xml", ".svg");
        }
        return null;
    }

    private static SniffedType? IsoBrand(string brand) => brand switch
    {
        "M4A " or "M4B " or "M4P " => new(MediaKind.Audio, "audio/mp4", ".m4a"),
        "qt  " => new(MediaKind.Video, "video/quicktime", ".mov"),
        "avif" or "avis" => new(MediaKind.Image, "image/avif", ".avif"),
        "heic" or "heix" or "mif1" => new(MediaKind.Image, "image/heic", ".heic"),
        "3gp4" or "3gp5" or "3gp6" or "3g2a" => new(MediaKind.Video, "video/3gpp", ".3gp"),
        "isom" or "iso2" or "iso4" or "iso5" or "iso6" or "mp41" or "mp42" or "avc1" or "M4V " or "dash" or "MSNV" or "XAVC" => new(MediaKind.Video, "video/mp4", ".mp4"),
        _ => null,
    };

    private static ReadOnlySpan<byte> SkipBomAndSpace(ReadOnlySpan<byte> head)
    {
        if (head is [0xEF, 0xBB, 0xBF, ..])
        {
            head = head[3..];
        }
        var i = 0;
        while (i < head.Length && head[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i++;
        }
        return head[i..];
    }

    private static bool Contains(ReadOnlySpan<byte> head, ReadOnlySpan<byte> value) => head.IndexOf(value) >= 0;
}
