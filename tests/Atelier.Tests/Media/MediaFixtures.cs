using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Atelier.Features.Media.Processing;
using Atelier.Platform.Processes;

namespace Atelier.Tests.Media;

/// <summary>
/// Real media files for tests, generated on first use into a temporary folder of this test process (deleted when it
/// exits) with ffmpeg, libvips and exiftool (Debian: ffmpeg, libvips-tools, libimage-exiftool-perl) or plain C#.
/// Each is made once per process, whoever asks first; the same calls give the same files on every run.
/// </summary>
public static class MediaFixtures
{
    /// <summary>The glTF fixture refers to its buffer by this name.</summary>
    public const string GltfBufferName = "scene.bin";

    private static readonly Lazy<string> FolderPath = new(() =>
    {
        var folder = Path.Combine(Path.GetTempPath(), $"atelier-media-fixtures-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return folder;
    });

    private static string Folder => FolderPath.Value;

    private static readonly Lazy<Task<string>> Jpeg = new(MakeJpegAsync);
    private static readonly Lazy<Task<string>> Png = new(() => Task.FromResult(MakePngWithAlpha()));
    private static readonly Lazy<Task<string>> Gif = new(MakeGifAsync);
    private static readonly Lazy<Task<string>> WebP = new(MakeWebPAsync);
    private static readonly Lazy<Task<string>> AnimatedWebP = new(MakeAnimatedWebPAsync);
    private static readonly Lazy<Task<string>> Cover = new(MakeCoverAsync);
    private static readonly Lazy<Task<string>> Mp3 = new(() => MakeAudioAsync("tagged.mp3", ["-c:a", "libmp3lame", "-b:a", "128k", "-id3v2_version", "3"], upperCaseTags: false));
    private static readonly Lazy<Task<string>> Flac = new(() => MakeAudioAsync("tagged.flac", ["-c:a", "flac"], upperCaseTags: true));
    private static readonly Lazy<Task<string>> Mp4 = new(MakeMp4Async);
    private static readonly Lazy<Task<string>> Glb = new(() => Task.FromResult(MakeGlb()));
    private static readonly Lazy<Task<(string, string)>> Gltf = new(() => Task.FromResult(MakeGltf()));
    private static readonly Lazy<Task<string>> Pdf = new(() => Task.FromResult(MakePdf()));
    private static readonly Lazy<Task<string>> Exe = new(() => Task.FromResult(MakeExe()));
    private static readonly Lazy<Task<string>> Truncated = new(MakeTruncatedJpegAsync);
    private static readonly Lazy<Task<string>> Huge = new(() => Task.FromResult(MakeHugePng()));
    private static readonly Lazy<Task<string>> Svg = new(() => Task.FromResult(MakeSvgWithScript()));

    /// <summary>
    /// A 1600×1200 JPEG (ffmpeg's testsrc2 picture) stored sideways: EXIF Orientation 6, so it is shown 1200×1600.
    /// Camera "Atelier" "Test Camera", lens "Test Lens", taken 2024-05-06 07:08:09, 1/125 s, f/2.8, ISO 200, 35 mm,
    /// and GPS 48.8584 N, 2.2945 E.
    /// </summary>
    public static Task<string> JpegWithGpsAndRotationAsync() => Jpeg.Value;

    /// <summary>A 500×300 RGBA PNG: a colour gradient whose left edge is fully transparent, right edge opaque.</summary>
    public static Task<string> PngWithAlphaAsync() => Png.Value;

    /// <summary>A 200×150 GIF of 5 frames (ffmpeg's testsrc at 5 fps, 1 s).</summary>
    public static Task<string> AnimatedGifAsync() => Gif.Value;

    /// <summary>An 800×600 lossy WebP, no alpha, no animation.</summary>
    public static Task<string> WebpAsync() => WebP.Value;

    /// <summary>A 160×120 animated WebP of 5 frames, with alpha (ffmpeg's testsrc at 5 fps, 1 s).</summary>
    public static Task<string> AnimatedWebpAsync() => AnimatedWebP.Value;

    /// <summary>
    /// 3 s of a 440 Hz sine fading in over the first 2 s (peak about 0.6), MP3 at 128 kbit/s, ID3v2.3 tags: title
    /// "Test Tone", artist "Atelier Band", album "Fixtures", track "3/12", year 2024, genre "Ambient"; a 300×300 JPEG cover.
    /// </summary>
    public static Task<string> Mp3WithTagsAndCoverAsync() => Mp3.Value;

    /// <summary>
    /// The same sound, tags and cover as <see cref="Mp3WithTagsAndCoverAsync"/>, in FLAC (lossless); the Vorbis comment
    /// names are upper case (TITLE, ARTIST...), as many taggers write them.
    /// </summary>
    public static Task<string> FlacWithTagsAndCoverAsync() => Flac.Value;

    /// <summary>5 s of 640×360 H.264 at 25 fps (ffmpeg's moving testsrc2 picture) with an AAC sine, faststart MP4.</summary>
    public static Task<string> Mp4Async() => Mp4.Value;

    /// <summary>
    /// A binary glTF of one box mesh, 2 × 1 × 0.5 units (x, y, z), one material, one node, no textures or animations;
    /// its buffer is the GLB's BIN chunk.
    /// </summary>
    public static Task<string> GlbAsync() => Glb.Value;

    /// <summary>The same box as a <c>.gltf</c> whose buffer is the external file <see cref="GltfBufferName"/> next to it.</summary>
    public static Task<(string Gltf, string Bin)> GltfWithExternalBufferAsync() => Gltf.Value;

    /// <summary>A valid two-page PDF 1.4 (Helvetica text "Page one", "Page two"), written by hand with a correct xref.</summary>
    public static Task<string> PdfAsync() => Pdf.Value;

    /// <summary>A Windows executable header (starts with "MZ") saved as <c>photo.jpg</c>.</summary>
    public static Task<string> ExeRenamedJpgAsync() => Exe.Value;

    /// <summary>The first half of a real 1600×1200 JPEG: the header is intact, the picture data ends early.</summary>
    public static Task<string> TruncatedJpegAsync() => Truncated.Value;

    /// <summary>A PNG of a few dozen bytes whose IHDR claims 100000×100000 pixels; all chunk CRCs are valid.</summary>
    public static Task<string> HugeDimensionsPngAsync() => Huge.Value;

    /// <summary>An SVG with a script element, an onload handler and a javascript: link.</summary>
    public static Task<string> SvgWithScriptAsync() => Svg.Value;

    /// <summary>A processing input over <paramref name="path"/> with a fresh, empty work folder of its own.</summary>
    public static ProcessingInput Input(string path, string contentType, IReadOnlyDictionary<string, string>? companions = null)
    {
        var work = Path.Combine(Folder, "work", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(work);
        return new ProcessingInput(path, Path.GetFileName(path), contentType, companions ?? new Dictionary<string, string>(), work);
    }

    /// <summary>Runs a program the fixtures need, failing the test with its error output when it fails.</summary>
    internal static async Task<ExternalToolResult> RunAsync(string program, params string[] arguments)
    {
        if (!ExternalTool.IsAvailable(program))
        {
            throw new InvalidOperationException(
                $"{program} is needed to generate the media fixtures (apt-get install ffmpeg libvips-tools libimage-exiftool-perl).");
        }

        var result = await ExternalTool.RunAsync(program, arguments, new ExternalToolRun { Timeout = TimeSpan.FromMinutes(2) });
        return result.Succeeded
            ? result
            : throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed: {result.StandardError}");
    }

    private static readonly string[] Ffmpeg = ["-nostdin", "-hide_banner", "-v", "error", "-y"];

    private static async Task<string> MakeJpegAsync()
    {
        var path = Path.Combine(Folder, "rotated-gps.jpg");
        await RunAsync("ffmpeg", [.. Ffmpeg, "-f", "lavfi", "-i", "testsrc2=size=1600x1200:rate=1", "-frames:v", "1", "-q:v", "3", path]);
        await RunAsync("exiftool",
            "-overwrite_original", "-Orientation#=6", "-Make=Atelier", "-Model=Test Camera", "-LensModel=Test Lens",
            "-DateTimeOriginal=2024:05:06 07:08:09", "-ExposureTime=1/125", "-FNumber=2.8", "-ISO=200", "-FocalLength=35",
            "-GPSLatitude=48.8584", "-GPSLatitudeRef=N", "-GPSLongitude=2.2945", "-GPSLongitudeRef=E", path);
        return path;
    }

    private static async Task<string> MakeGifAsync()
    {
        var path = Path.Combine(Folder, "animated.gif");
        await RunAsync("ffmpeg", [.. Ffmpeg, "-f", "lavfi", "-i", "testsrc=size=200x150:rate=5", "-t", "1", path]);
        return path;
    }

    private static async Task<string> MakeWebPAsync()
    {
        var path = Path.Combine(Folder, "picture.webp");
        await RunAsync("ffmpeg", [.. Ffmpeg, "-f", "lavfi", "-i", "testsrc2=size=800x600:rate=1", "-frames:v", "1", "-c:v", "libwebp", "-quality", "80", path]);
        return path;
    }

    private static async Task<string> MakeAnimatedWebPAsync()
    {
        var path = Path.Combine(Folder, "animated.webp");
        await RunAsync("ffmpeg", [.. Ffmpeg, "-f", "lavfi", "-i", "testsrc=size=160x120:rate=5", "-t", "1", "-c:v", "libwebp_anim", "-loop", "0", path]);
        return path;
    }

    private static async Task<string> MakeCoverAsync()
    {
        var path = Path.Combine(Folder, "cover-art.jpg");
        await RunAsync("ffmpeg", [.. Ffmpeg, "-f", "lavfi", "-i", "testsrc=size=300x300:rate=1", "-frames:v", "1", "-q:v", "4", path]);
        return path;
    }

    private static async Task<string> MakeAudioAsync(string name, string[] codec, bool upperCaseTags)
    {
        var cover = await Cover.Value;
        var path = Path.Combine(Folder, name);
        string Tag(string key, string value) => $"{(upperCaseTags ? key.ToUpperInvariant() : key)}={value}";
        await RunAsync("ffmpeg",
        [
            .. Ffmpeg, "-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-i", cover,
            "-map", "0:a", "-map", "1:v", "-af", "volume=5,afade=t=in:d=2", .. codec, "-c:v", "copy",
            "-metadata", Tag("title", "Test Tone"), "-metadata", Tag("artist", "Atelier Band"), "-metadata", Tag("album", "Fixtures"),
            "-metadata", Tag("track", "3/12"), "-metadata", Tag("date", "2024"), "-metadata", Tag("genre", "Ambient"),
            "-metadata:s:v", "title=Album cover", "-metadata:s:v", "comment=Cover (front)", "-disposition:v", "attached_pic", path,
        ]);
        return path;
    }

    private static async Task<string> MakeMp4Async()
    {
        var path = Path.Combine(Folder, "clip.mp4");
        await RunAsync("ffmpeg",
        [
            .. Ffmpeg, "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-f", "lavfi", "-i", "sine=frequency=330:duration=5",
            "-t", "5", "-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "96k", "-movflags", "+faststart", path,
        ]);
        return path;
    }

    private static async Task<string> MakeTruncatedJpegAsync()
    {
        var path = Path.Combine(Folder, "truncated.jpg");
        var whole = Path.Combine(Folder, "whole-for-truncation.jpg");
        await RunAsync("ffmpeg", [.. Ffmpeg, "-f", "lavfi", "-i", "testsrc2=size=1600x1200:rate=1", "-frames:v", "1", "-q:v", "3", whole]);
        var bytes = await File.ReadAllBytesAsync(whole);
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)]);
        return path;
    }

    private static string MakePngWithAlpha()
    {
        const int width = 500, height = 300;
        var raw = new byte[height * (1 + width * 4)];
        for (var y = 0; y < height; y++)
        {
            var row = y * (1 + width * 4);
            raw[row] = 0; // filter: none
            for (var x = 0; x < width; x++)
            {
                var p = row + 1 + x * 4;
                raw[p] = (byte)(255 * x / (width - 1));
                raw[p + 1] = (byte)(255 * y / (height - 1));
                raw[p + 2] = 160;
                raw[p + 3] = (byte)(255 * x / (width - 1));
            }
        }

        var path = Path.Combine(Folder, "alpha.png");
        File.WriteAllBytes(path, PngFile(width, height, colorType: 6, Deflate(raw)));
        return path;
    }

    private static string MakeHugePng()
    {
        // One empty row's worth of compressed data: the decoder would only find out after allocating for the header.
        var path = Path.Combine(Folder, "huge-dimensions.png");
        File.WriteAllBytes(path, PngFile(100_000, 100_000, colorType: 2, Deflate(new byte[16])));
        return path;
    }

    internal static byte[] PngFile(int width, int height, byte colorType, byte[] idat)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = colorType;
        WriteChunk(png, "IHDR", ihdr);
        WriteChunk(png, "IDAT", idat);
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static byte[] Deflate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var z = new ZLibStream(output, CompressionLevel.Optimal))
        {
            z.Write(data);
        }

        return output.ToArray();
    }

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)data.Length);
        png.Write(length);
        var typed = new byte[4 + data.Length];
        Encoding.ASCII.GetBytes(type, typed);
        data.CopyTo(typed, 4);
        png.Write(typed);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        png.Write(crc);
    }

    /// <summary>The CRC-32 of PNG chunks (ISO 3309), bit by bit: fixtures are small.</summary>
    internal static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return crc ^ 0xFFFFFFFFu;
    }

    /// <summary>The box's buffer: 8 corner positions (float x, y, z) then 36 ushort indices, 168 bytes.</summary>
    private static byte[] BoxBuffer()
    {
        float[] size = [2f, 1f, 0.5f];
        var buffer = new byte[8 * 12 + 36 * 2];
        for (var i = 0; i < 8; i++)
        {
            for (var axis = 0; axis < 3; axis++)
            {
                var value = ((i >> axis) & 1) == 1 ? size[axis] / 2 : -size[axis] / 2;
                BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(i * 12 + axis * 4), value);
            }
        }

        ushort[] indices = [0, 2, 1, 1, 2, 3, 4, 5, 6, 5, 7, 6, 0, 1, 4, 1, 5, 4, 2, 6, 3, 3, 6, 7, 0, 4, 2, 2, 4, 6, 1, 3, 5, 3, 7, 5];
        for (var i = 0; i < indices.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(96 + i * 2), indices[i]);
        }

        return buffer;
    }

    private static string BoxJson(string? bufferUri, int bufferLength)
    {
        var buffer = new Dictionary<string, object> { ["byteLength"] = bufferLength };
        if (bufferUri is not null)
        {
            buffer["uri"] = bufferUri;
        }

        var gltf = new Dictionary<string, object>
        {
            ["asset"] = new { version = "2.0", generator = "Atelier test fixtures" },
            ["scene"] = 0,
            ["scenes"] = new[] { new { nodes = new[] { 0 } } },
            ["nodes"] = new[] { new { mesh = 0, name = "Box" } },
            ["meshes"] = new[]
            {
                new { name = "Box", primitives = new[] { new { attributes = new { POSITION = 0 }, indices = 1, material = 0 } } },
            },
            ["materials"] = new[] { new { name = "Clay", pbrMetallicRoughness = new { baseColorFactor = new[] { 0.8, 0.5, 0.3, 1.0 } } } },
            ["buffers"] = new[] { buffer },
            ["bufferViews"] = new object[]
            {
                new { buffer = 0, byteOffset = 0, byteLength = 96, target = 34962 },
                new { buffer = 0, byteOffset = 96, byteLength = 72, target = 34963 },
            },
            ["accessors"] = new object[]
            {
                new { bufferView = 0, componentType = 5126, count = 8, type = "VEC3", min = new[] { -1.0, -0.5, -0.25 }, max = new[] { 1.0, 0.5, 0.25 } },
                new { bufferView = 1, componentType = 5123, count = 36, type = "SCALAR" },
            },
        };
        return JsonSerializer.Serialize(gltf);
    }

    private static string MakeGlb()
    {
        var bin = BoxBuffer();
        var json = Encoding.UTF8.GetBytes(BoxJson(null, bin.Length));
        var jsonPadded = (json.Length + 3) & ~3;
        using var glb = new MemoryStream();
        using var w = new BinaryWriter(glb);
        w.Write(0x46546C67u); // "glTF"
        w.Write(2u);
        w.Write((uint)(12 + 8 + jsonPadded + 8 + bin.Length));
        w.Write((uint)jsonPadded);
        w.Write(0x4E4F534Au); // "JSON"
        w.Write(json);
        w.Write(Enumerable.Repeat((byte)' ', jsonPadded - json.Length).ToArray());
        w.Write((uint)bin.Length);
        w.Write(0x004E4942u); // "BIN\0"
        w.Write(bin);
        w.Flush();
        var path = Path.Combine(Folder, "box.glb");
        File.WriteAllBytes(path, glb.ToArray());
        return path;
    }

    private static (string, string) MakeGltf()
    {
        var folder = Path.Combine(Folder, "gltf");
        Directory.CreateDirectory(folder);
        var bin = BoxBuffer();
        var binPath = Path.Combine(folder, GltfBufferName);
        File.WriteAllBytes(binPath, bin);
        var gltfPath = Path.Combine(folder, "box.gltf");
        File.WriteAllText(gltfPath, BoxJson(GltfBufferName, bin.Length));
        return (gltfPath, binPath);
    }

    /// <summary>The box glTF with its buffer at <paramref name="uri"/> (for tests of hostile or odd references).</summary>
    public static string GltfReferring(string uri)
    {
        var path = Path.Combine(Folder, "gltf-variants", Guid.NewGuid().ToString("n") + ".gltf");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, BoxJson(uri, 168));
        return path;
    }

    private static string MakePdf()
    {
        string[] objects =
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 7 0 R >> >> >>",
            Stream("BT /F1 36 Tf 72 740 Td (Page one) Tj ET"),
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 6 0 R /Resources << /Font << /F1 7 0 R >> >> >>",
            Stream("BT /F1 36 Tf 72 740 Td (Page two) Tj ET"),
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ];
        var pdf = new StringBuilder("%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = pdf.Length;
        pdf.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f\r\n");
        foreach (var offset in offsets)
        {
            pdf.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n\r\n");
        }

        pdf.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        var path = Path.Combine(Folder, "two-pages.pdf");

        // Latin-1 keeps one byte per character, so the offsets above are byte offsets.
        File.WriteAllBytes(path, Encoding.Latin1.GetBytes(pdf.ToString()));
        return path;

        static string Stream(string content) => $"<< /Length {content.Length} >>\nstream\n{content}\nendstream";
    }

    private static string MakeExe()
    {
        var bytes = new byte[512];
        bytes[0] = (byte)'M';
        bytes[1] = (byte)'Z';
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(0x3C), 0x80);
        Encoding.ASCII.GetBytes("This program cannot be run in DOS mode.", bytes.AsSpan(0x4E));
        bytes[0x80] = (byte)'P';
        bytes[0x81] = (byte)'E';
        var path = Path.Combine(Folder, "photo.jpg");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string MakeSvgWithScript()
    {
        var path = Path.Combine(Folder, "scripted.svg");
        File.WriteAllText(path, """
            <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="120" height="80" viewBox="0 0 120 80" onload="alert(document.cookie)">
              <script>alert('svg')</script>
              <a xlink:href="javascript:alert(1)"><rect x="10" y="10" width="100" height="60" fill="teal"/></a>
              <circle cx="60" cy="40" r="20" fill="orange" onclick="steal()"/>
            </svg>
            """);
        return path;
    }
}
