using System.ComponentModel.DataAnnotations;
using Atelier.Features.Media.Processing;

namespace Atelier.Features.Media;

/// <summary><c>Atelier:Media</c>: upload limits.</summary>
public sealed class MediaOptions
{
    private const long Mb = 1024 * 1024;

    [Range(1, long.MaxValue)] public long MaxImageBytes { get; set; } = 50 * Mb;
    [Range(1, long.MaxValue)] public long MaxAudioBytes { get; set; } = 500 * Mb;
    [Range(1, long.MaxValue)] public long MaxVideoBytes { get; set; } = 2048 * Mb;
    [Range(1, long.MaxValue)] public long MaxModelBytes { get; set; } = 200 * Mb;
    [Range(1, long.MaxValue)] public long MaxDocumentBytes { get; set; } = 50 * Mb;

    /// <summary>SVG and glTF JSON are read whole to be checked (and SVG cleaned), so they have a smaller limit.</summary>
    [Range(1, long.MaxValue)] public long MaxTextBytes { get; set; } = 20 * Mb;

    public long LimitOf(MediaKind kind) => kind switch
    {
        MediaKind.Image => MaxImageBytes,
        MediaKind.Audio => MaxAudioBytes,
        MediaKind.Video => MaxVideoBytes,
        MediaKind.Model => MaxModelBytes,
        _ => MaxDocumentBytes,
    };

    public long LargestLimit => new[] { MaxImageBytes, MaxAudioBytes, MaxVideoBytes, MaxModelBytes, MaxDocumentBytes }.Max();
}
