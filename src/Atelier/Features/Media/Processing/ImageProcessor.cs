using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json.Nodes;
using System.Xml;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using static Atelier.Features.Media.Processing.ProcessingHelpers;

namespace Atelier.Features.Media.Processing;

/// <summary>
/// JPEG, PNG, GIF and WebP: EXIF metadata (never the GPS coordinates themselves), responsive variants in WebP plus a
/// JPEG or PNG fallback, and a dominant colour. Sanitized SVG only gets its size. Variants are made by
/// <c>vips thumbnail</c>, which applies the EXIF orientation, never upscales (<c>--size down</c>), reads only the first
/// frame of an animation, and with <c>--fail-on truncated</c> refuses a damaged file instead of filling it with grey.
/// Every variant is saved with <c>strip</c> (and WebP cleaned again, see <see cref="ImageHeader.StripWebPMetadata"/>),
/// so no location or camera data reaches them.
/// </summary>
internal sealed class ImageProcessor(MediaTools tools) : IMediaProcessor
{
    /// <summary>Beyond these the image is refused before any decoder sees it.</summary>
    internal const int MaxSide = 40_000;
    internal const long MaxPixels = 200_000_000;

    internal static readonly int[] Widths = [320, 640, 1280, 2048];

    private const string Damaged = "The image is damaged or truncated, so it cannot be shown";

    public MediaKind Kind => MediaKind.Image;

    public async Task<ProcessingResult> ProcessAsync(ProcessingInput input, CancellationToken ct)
    {
        if (IsSvg(input))
        {
            return ProcessSvg(input);
        }

        var header = ImageHeader.Read(input.FilePath);
        if (header is null)
        {
            return ProcessingResult.Failed($"{Damaged}: its header cannot be read (it may not be a JPEG, PNG, GIF or WebP image).");
        }

        if (header.Width <= 0 || header.Height <= 0)
        {
            return ProcessingResult.Failed($"{Damaged}: it declares a size of {header.Width} × {header.Height} pixels.");
        }

        if (header.Width > MaxSide || header.Height > MaxSide || (long)header.Width * header.Height > MaxPixels)
        {
            return ProcessingResult.Failed(string.Create(CultureInfo.InvariantCulture,
                $"The image declares {header.Width:N0} × {header.Height:N0} pixels, more than Atelier decodes ({MaxSide:N0} pixels a side, " +
                $"{MaxPixels / 1_000_000} megapixels): a zip-bomb-like image that would take the server's memory. Resize it before uploading."));
        }

        var metadata = ReadMetadata(input.FilePath, header);
        if (!tools.IsAvailable(MediaTool.Vips))
        {
            return new ProcessingResult(metadata, [], [MediaTools.NotInstalled("variants and dominant colour", MediaTool.Vips)]);
        }

        return await MakeVariantsAsync(input, metadata, ct);
    }

    /// <summary>
    /// The original is decoded once, into an upright sRGB base image as wide as the widest variant (an uncompressed
    /// TIFF in the work folder: libvips' own .v format is among the loaders VIPS_BLOCK_UNTRUSTED blocks); the average
    /// colour and every variant are made from that base.
    /// </summary>
    private async Task<ProcessingResult> MakeVariantsAsync(ProcessingInput input, JsonObject metadata, CancellationToken ct)
    {
        var width = (int)metadata["width"]!;
        var widths = Widths.Where(w => w < width).ToList();
        if (widths.Count == 0)
        {
            widths.Add(width);
        }

        // Names inside the work folder are passed relative to it (the tools run there), so only ours reach vips there.
        const string linkName = ".atelier-source", baseName = ".atelier-base.tif", probeName = ".atelier-dominant.png";
        var source = Path.GetFullPath(input.FilePath);
        var link = Path.Combine(input.WorkDir, linkName);
        var baseImage = Path.Combine(input.WorkDir, baseName);
        var probe = Path.Combine(input.WorkDir, probeName);
        try
        {
            if (source.Contains('[', StringComparison.Ordinal))
            {
                // libvips would read "[...]" at the end of a file name as load options.
                File.CreateSymbolicLink(link, source);
                source = linkName;
            }

            // --fail-on truncated: a damaged file fails here instead of being filled with grey.
            var run = await ThumbnailAsync(source, baseName, widths.Max(),
                ["--height", "10000000", "--size", "down", "--export-profile", "srgb", "--fail-on", "truncated"], input.WorkDir, ct);
            if (Failure(run, input) is { } failure)
            {
                return ProcessingResult.Failed(failure);
            }

            // One pixel: the average colour, and whether there is an alpha channel (a fallback then has to be PNG).
            run = await ThumbnailAsync(baseName, probeName + "[bitdepth=8,strip]", 1, ["--height", "1", "--size", "force"], input.WorkDir, ct);
            if (Failure(run, input) is { } probeFailure)
            {
                return ProcessingResult.Failed(probeFailure);
            }

            var pixel = ReadOnePixelPng(probe);
            if (pixel is { } p)
            {
                metadata["dominantColor"] = $"#{p.R:x2}{p.G:x2}{p.B:x2}";
            }

            var hasAlpha = pixel?.HasAlpha ?? false;
            var files = new List<ProducedFile>();
            foreach (var w in widths)
            {
                (string Name, string Options, string Type)[] outputs =
                [
                    ($"w{w}.webp", "[Q=80,strip]", "image/webp"),
                    hasAlpha ? ($"w{w}.png", "[strip,compression=6]", "image/png") : ($"w{w}.jpg", "[Q=82,strip,optimize_coding,interlace]", "image/jpeg"),
                ];
                foreach (var (name, options, type) in outputs)
                {
                    run = await ThumbnailAsync(baseName, name + options, w, ["--height", "10000000", "--size", "down"], input.WorkDir, ct);
                    if (Failure(run, input) is { } variantFailure)
                    {
                        return ProcessingResult.Failed(variantFailure);
                    }

                    var path = Path.Combine(input.WorkDir, name);
                    if (type == "image/webp")
                    {
                        ImageHeader.StripWebPMetadata(path);
                    }

                    var made = ImageHeader.Read(path);
                    files.Add(new ProducedFile(name, path, type, "image", made?.Width, made?.Height));
                }
            }

            return new ProcessingResult(metadata, files, []);
        }
        finally
        {
            TryDelete(link);
            TryDelete(baseImage);
            TryDelete(probe);
        }
    }

    private string? Failure(Platform.Processes.ExternalToolResult run, ProcessingInput input) =>
        run.Succeeded ? null
        : run.TimedOut ? TookTooLong("image", tools.Timeout)
        : $"{Damaged} ({Detail(run, input)}).";

    private Task<Platform.Processes.ExternalToolResult> ThumbnailAsync(
        string source, string output, int width, string[] options, string workDir, CancellationToken ct) =>
        tools.RunAsync(MediaTool.Vips, ["thumbnail", source, output, width.ToString(CultureInfo.InvariantCulture), .. options], workDir, ct);

    /// <summary>
    /// Width and height as the image is shown (after the EXIF orientation), format, animation, and the camera's EXIF.
    /// Of GPS only whether it is there: the coordinates would tell everyone where the photo was taken.
    /// </summary>
    internal static JsonObject ReadMetadata(string path, ImageHeader header)
    {
        IReadOnlyList<MetadataExtractor.Directory> directories;
        try
        {
            directories = ImageMetadataReader.ReadMetadata(path);
        }
        catch (Exception ex) when (ex is ImageProcessingException or IOException or ArgumentException or IndexOutOfRangeException)
        {
            // Damaged EXIF does not make a damaged image; the size comes from the header anyway.
            directories = [];
        }

        var ifd0 = directories.OfType<ExifIfd0Directory>().FirstOrDefault();
        var exif = directories.OfType<ExifSubIfdDirectory>().FirstOrDefault();
        var gps = directories.OfType<GpsDirectory>().FirstOrDefault();
        var orientation = ifd0 is not null && ifd0.TryGetInt32(ExifDirectoryBase.TagOrientation, out var o) && o is >= 1 and <= 8 ? o : 1;
        var turned = orientation >= 5;
        var metadata = new JsonObject
        {
            ["format"] = header.Format.ToString().ToLowerInvariant(),
            ["width"] = turned ? header.Height : header.Width,
            ["height"] = turned ? header.Width : header.Height,
            ["animated"] = header.Frames > 1,
        };
        if (header.Frames > 1)
        {
            metadata["frames"] = header.Frames;
        }

        if (orientation != 1)
        {
            metadata["orientation"] = orientation;
        }

        var make = Text(ifd0, ExifDirectoryBase.TagMake);
        var model = Text(ifd0, ExifDirectoryBase.TagModel);
        if (make is not null || model is not null)
        {
            metadata["camera"] = model is null ? make
                : make is null || model.StartsWith(make, StringComparison.OrdinalIgnoreCase) ? model
                : $"{make} {model}";
        }

        if (Text(exif, ExifDirectoryBase.TagLensModel) is { } lens)
        {
            metadata["lens"] = lens;
        }

        if (exif is not null && exif.TryGetDateTime(ExifDirectoryBase.TagDateTimeOriginal, out var taken))
        {
            // EXIF time is the camera's wall clock; the offset is there only when the camera wrote one.
            var offset = Text(exif, 0x9011);
            metadata["takenAt"] = taken.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)
                + (offset is not null && System.Text.RegularExpressions.Regex.IsMatch(offset, @"^[+-]\d\d:\d\d$") ? offset : "");
        }

        if (exif is not null && exif.TryGetRational(ExifDirectoryBase.TagExposureTime, out var exposure) && exposure.Numerator > 0 && exposure.Denominator > 0)
        {
            var seconds = exposure.ToDouble();
            metadata["exposure"] = seconds < 1
                ? $"1/{Math.Round(1 / seconds).ToString(CultureInfo.InvariantCulture)}"
                : Round(seconds, 1).ToString(CultureInfo.InvariantCulture);
        }

        if (exif is not null && exif.TryGetRational(ExifDirectoryBase.TagFNumber, out var fNumber) && fNumber.Denominator > 0 && fNumber.Numerator > 0)
        {
            metadata["fNumber"] = Round(fNumber.ToDouble(), 1);
        }

        if (exif is not null && exif.TryGetInt32(ExifDirectoryBase.TagIsoEquivalent, out var iso) && iso > 0)
        {
            metadata["iso"] = iso;
        }

        if (exif is not null && exif.TryGetRational(ExifDirectoryBase.TagFocalLength, out var focal) && focal.Denominator > 0 && focal.Numerator > 0)
        {
            metadata["focalLength"] = Round(focal.ToDouble(), 1);
        }

        metadata["hasGps"] = gps?.GetGeoLocation() is not null;
        return metadata;
    }

    private static string? Text(MetadataExtractor.Directory? directory, int tag)
    {
        var value = directory?.GetString(tag)?.Trim('\0', ' ');
        return string.IsNullOrEmpty(value) ? null : value;
    }

    private readonly record struct Pixel(byte R, byte G, byte B, bool HasAlpha);

    /// <summary>The pixel of a 1×1, 8-bit, non-interlaced PNG as libvips writes it (grey, RGB, with or without alpha).</summary>
    private static Pixel? ReadOnePixelPng(string path)
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            var span = bytes.AsSpan();
            if (span.Length < 33 || span[24] != 8)
            {
                return null;
            }

            var colorType = span[25];
            using var idat = new MemoryStream();
            for (var at = 8; at + 8 <= span.Length;)
            {
                var length = (int)BinaryPrimitives.ReadUInt32BigEndian(span[at..]);
                if (span.Slice(at + 4, 4).SequenceEqual("IDAT"u8))
                {
                    idat.Write(span.Slice(at + 8, length));
                }

                at += 12 + length;
            }

            idat.Position = 0;
            using var z = new ZLibStream(idat, CompressionMode.Decompress);
            var row = new byte[5];
            var read = z.ReadAtLeast(row, row.Length, throwOnEndOfStream: false);

            // With a single pixel every PNG filter predicts 0, so the bytes after the filter byte are the pixel.
            return colorType switch
            {
                0 when read >= 2 => new Pixel(row[1], row[1], row[1], false),
                2 when read >= 4 => new Pixel(row[1], row[2], row[3], false),
                4 when read >= 3 => new Pixel(row[1], row[1], row[1], true),
                6 when read >= 5 => new Pixel(row[1], row[2], row[3], true),
                _ => null,
            };
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Not a raster format by its bytes, and declared as SVG or starting like XML.</summary>
    private static bool IsSvg(ProcessingInput input)
    {
        Span<byte> head = stackalloc byte[16];
        using var file = File.OpenRead(input.FilePath);
        var n = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return ImageHeader.Sniff(head[..n]) is null
            && (input.ContentType.StartsWith("image/svg", StringComparison.OrdinalIgnoreCase)
                || head[..n].TrimStart("\uFEFF \t\r\n"u8).StartsWith("<"u8));
    }

    /// <summary>An SVG (already sanitized on upload) is served as it is; only its size is read.</summary>
    private static ProcessingResult ProcessSvg(ProcessingInput input)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true };
        try
        {
            // Opened by us: given a path, XmlReader would open it through a resolver of its own.
            using var stream = File.OpenRead(input.FilePath);
            using var reader = XmlReader.Create(stream, settings);
            if (reader.MoveToContent() != XmlNodeType.Element || reader.LocalName != "svg")
            {
                return ProcessingResult.Failed("The file is not an SVG image: its root element is not <svg>.");
            }

            var (width, height) = SvgSize(reader.GetAttribute("width"), reader.GetAttribute("height"), reader.GetAttribute("viewBox"));
            var metadata = new JsonObject { ["format"] = "svg", ["animated"] = false };
            if (width is not null && height is not null)
            {
                metadata["width"] = width;
                metadata["height"] = height;
            }

            return new ProcessingResult(metadata, [], []);
        }
        catch (XmlException ex)
        {
            return ProcessingResult.Failed($"The SVG image is not well-formed XML (line {ex.LineNumber}).");
        }
    }

    /// <summary>
    /// The size in CSS pixels from width/height (absolute units converted at 96 dpi), falling back to the viewBox for
    /// what is missing or relative (%, em); one side given with a viewBox keeps the viewBox's proportions.
    /// </summary>
    internal static (int? Width, int? Height) SvgSize(string? widthText, string? heightText, string? viewBox)
    {
        double? w = Length(widthText), h = Length(heightText);
        double? vbW = null, vbH = null;
        var parts = viewBox?.Split([' ', ',', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        if (parts is { Length: 4 }
            && double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var vw) && vw > 0
            && double.TryParse(parts[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var vh) && vh > 0)
        {
            (vbW, vbH) = (vw, vh);
        }

        if (w is null && h is not null && vbW is not null)
        {
            w = h * vbW / vbH;
        }
        else if (h is null && w is not null && vbW is not null)
        {
            h = w * vbH / vbW;
        }

        w ??= vbW;
        h ??= vbH;
        return w is > 0 and < int.MaxValue && h is > 0 and < int.MaxValue
            ? ((int)Math.Max(1, Math.Round(w.Value)), (int)Math.Max(1, Math.Round(h.Value)))
            : (null, null);
    }

    private static double? Length(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var t = text.Trim();
        var unitStart = t.Length;
        while (unitStart > 0 && char.IsAsciiLetter(t[unitStart - 1]))
        {
            unitStart--;
        }

        if (t.EndsWith('%') || !double.TryParse(t[..unitStart], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return null;
        }

        double? scale = t[unitStart..].ToLowerInvariant() switch
        {
            "" or "px" => 1,
            "in" => 96,
            "cm" => 96 / 2.54,
            "mm" => 96 / 25.4,
            "pt" => 96 / 72.0,
            "pc" => 16,
            _ => null,
        };
        return value * scale;
    }
}
