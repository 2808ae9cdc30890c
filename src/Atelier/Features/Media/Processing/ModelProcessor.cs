using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using static Atelier.Features.Media.Processing.ProcessingHelpers;

namespace Atelier.Features.Media.Processing;

/// <summary>
/// glTF 2.0 models, binary (.glb) or JSON (.gltf): the container is checked, the scene counted and measured, and every
/// external file it refers to must have come with the upload. Those are produced as <c>resource</c> files under the
/// exact name the glTF uses, so that a viewer loading <c>/media/{id}/model.gltf</c> finds <c>/media/{id}/scene.bin</c>.
/// </summary>
internal sealed class ModelProcessor : IMediaProcessor
{
    /// <summary>The JSON of a model is read into memory; beyond this it is refused (the binary data need not be read).</summary>
    internal const int MaxJsonBytes = 128 * 1024 * 1024;

    private const uint GlbMagic = 0x46546C67; // "glTF"
    private const uint JsonChunk = 0x4E4F534A; // "JSON"
    private const uint BinChunk = 0x004E4942; // "BIN\0"

    public MediaKind Kind => MediaKind.Model;

    public async Task<ProcessingResult> ProcessAsync(ProcessingInput input, CancellationToken ct)
    {
        await using var file = new FileStream(input.FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, useAsync: true);
        var head = new byte[12];
        var read = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        var isGlb = read >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(head) == GlbMagic;
        byte[] json;
        long? binLength = null;
        if (isGlb)
        {
            var (container, failure) = await ReadGlbAsync(file, head.AsMemory(0, read), ct);
            if (failure is not null)
            {
                return ProcessingResult.Failed(failure);
            }

            (json, binLength) = container;
        }
        else
        {
            if (file.Length > MaxJsonBytes)
            {
                return ProcessingResult.Failed($"The glTF file is larger than {MaxJsonBytes / 1024 / 1024} MB of JSON; keep the geometry in a .bin file.");
            }

            file.Position = 0;
            json = new byte[file.Length];
            await file.ReadExactlyAsync(json, ct);
        }

        JsonObject root;
        try
        {
            // A byte order mark is allowed before the JSON (and ignored), as the specification asks of readers.
            var utf8 = json.AsSpan();
            if (utf8.StartsWith("\uFEFF"u8))
            {
                utf8 = utf8[3..];
            }

            root = JsonNode.Parse(utf8, documentOptions: new JsonDocumentOptions { MaxDepth = 128 }) as JsonObject
                ?? throw new JsonException("not an object");
        }
        catch (JsonException)
        {
            return ProcessingResult.Failed(isGlb
                ? "The GLB file is damaged: its JSON part cannot be read."
                : "The file is not a glTF model: it is not valid JSON.");
        }

        var version = (root["asset"] as JsonObject)?["version"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        if (version is null || !version.StartsWith("2.", StringComparison.Ordinal))
        {
            return ProcessingResult.Failed(version is null
                ? "The file is not a glTF model: it has no asset.version."
                : $"The model is glTF {version}; only glTF 2.x is supported. Re-export it as glTF 2.0.");
        }

        var metadata = Describe(root, isGlb, version);
        return await CollectResourcesAsync(root, binLength, input, metadata, ct);
    }

    /// <summary>Header, JSON chunk and optional BIN chunk; every declared length must agree with the file.</summary>
    private static async Task<((byte[] Json, long? BinLength) Container, string? Failure)> ReadGlbAsync(
        FileStream file, ReadOnlyMemory<byte> head, CancellationToken ct)
    {
        const string damaged = "The GLB file is damaged";
        if (head.Length < 12)
        {
            return (default, $"{damaged}: it is shorter than its header.");
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(head.Span[4..]);
        var length = BinaryPrimitives.ReadUInt32LittleEndian(head.Span[8..]);
        if (version != 2)
        {
            return (default, $"The GLB file is glTF version {version}; only glTF 2.0 is supported. Re-export it as glTF 2.0.");
        }

        if (length != file.Length)
        {
            return (default, string.Create(CultureInfo.InvariantCulture, $"{damaged} or truncated: its header says {length:N0} bytes, the file has {file.Length:N0}."));
        }

        byte[]? json = null;
        long? bin = null;
        var position = 12L;
        var chunkHeader = new byte[8];
        for (var index = 0; position < file.Length; index++)
        {
            if (position + 8 > file.Length)
            {
                return (default, $"{damaged}: it ends inside a chunk header.");
            }

            file.Position = position;
            await file.ReadExactlyAsync(chunkHeader, ct);
            var chunkLength = BinaryPrimitives.ReadUInt32LittleEndian(chunkHeader);
            var type = BinaryPrimitives.ReadUInt32LittleEndian(chunkHeader.AsSpan(4));
            if (position + 8 + chunkLength > file.Length)
            {
                return (default, $"{damaged} or truncated: a chunk runs past the end of the file.");
            }

            if (index == 0)
            {
                if (type != JsonChunk)
                {
                    return (default, $"{damaged}: its first chunk is not JSON.");
                }

                if (chunkLength > MaxJsonBytes)
                {
                    return (default, $"The GLB's JSON is larger than {MaxJsonBytes / 1024 / 1024} MB.");
                }

                json = new byte[chunkLength];
                await file.ReadExactlyAsync(json, ct);
            }
            else if (index == 1 && type == BinChunk)
            {
                bin = chunkLength;
            }
            else if (type is JsonChunk or BinChunk)
            {
                return (default, $"{damaged}: it has a second {(type == JsonChunk ? "JSON" : "BIN")} chunk.");
            }

            // Chunks of other types are extensions' and are skipped, as the specification asks.
            position += 8 + chunkLength;
        }

        return json is null ? (default, $"{damaged}: it has no JSON chunk.") : ((json, bin), null);
    }

    private static JsonObject Describe(JsonObject root, bool isGlb, string version)
    {
        var metadata = new JsonObject
        {
            ["format"] = isGlb ? "glb" : "gltf",
            ["gltfVersion"] = version,
            ["meshes"] = Count(root, "meshes"),
            ["materials"] = Count(root, "materials"),
            ["textures"] = Count(root, "textures"),
            ["nodes"] = Count(root, "nodes"),
            ["animations"] = Count(root, "animations"),
        };
        if ((root["asset"] as JsonObject)?["generator"] is JsonValue g && g.TryGetValue<string>(out var generator))
        {
            metadata["generator"] = generator.Length > 200 ? generator[..200] : generator;
        }

        if (BoundingSize(root) is { } size)
        {
            metadata["size"] = new JsonArray([.. size.Select(x => (JsonNode?)JsonValue.Create(x))]);
        }

        return metadata;
    }

    private static int Count(JsonObject root, string name) => root[name] is JsonArray a ? a.Count : 0;

    /// <summary>
    /// The extent along x, y and z of all meshes' POSITION accessors (their min/max, which the specification
    /// requires). Node transforms (translation, rotation, scale, matrices) are not applied: this is the size of the
    /// geometry as modelled, which for most single-object uploads is the size as shown.
    /// </summary>
    internal static double[]? BoundingSize(JsonObject root)
    {
        var accessors = root["accessors"] as JsonArray;
        double[] min = [double.MaxValue, double.MaxValue, double.MaxValue];
        double[] max = [double.MinValue, double.MinValue, double.MinValue];
        var any = false;
        foreach (var mesh in (root["meshes"] as JsonArray ?? []).OfType<JsonObject>())
        {
            foreach (var primitive in (mesh["primitives"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if ((primitive["attributes"] as JsonObject)?["POSITION"] is not JsonValue p || !p.TryGetValue<int>(out var index)
                    || accessors is null || index < 0 || index >= accessors.Count
                    || accessors[index] is not JsonObject accessor
                    || Vector(accessor["min"]) is not { } lo || Vector(accessor["max"]) is not { } hi)
                {
                    continue;
                }

                for (var i = 0; i < 3; i++)
                {
                    min[i] = Math.Min(min[i], lo[i]);
                    max[i] = Math.Max(max[i], hi[i]);
                }

                any = true;
            }
        }

        return any ? [.. Enumerable.Range(0, 3).Select(i => Math.Round(Math.Max(0, max[i] - min[i]), 4))] : null;
    }

    private static double[]? Vector(JsonNode? node)
    {
        if (node is not JsonArray { Count: 3 } array)
        {
            return null;
        }

        var values = new double[3];
        for (var i = 0; i < 3; i++)
        {
            if (array[i] is not JsonValue value || !value.TryGetValue<double>(out values[i]) || !double.IsFinite(values[i]))
            {
                return null;
            }
        }

        return values;
    }

    /// <summary>
    /// Every buffer and image URI: data: URIs are self-contained; a relative one must be a plain file name that came
    /// with the upload, copied into the work folder under that name. Anything that would reach outside (http, an
    /// absolute path, a folder, "..") is refused: a model on this site must not load from elsewhere.
    /// </summary>
    private static async Task<ProcessingResult> CollectResourcesAsync(
        JsonObject root, long? binLength, ProcessingInput input, JsonObject metadata, CancellationToken ct)
    {
        var files = new List<ProducedFile>();
        var buffers = (root["buffers"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        for (var i = 0; i < buffers.Count; i++)
        {
            var byteLength = buffers[i]["byteLength"] is JsonValue bl && bl.TryGetValue<long>(out var l) ? l : 0;
            if (Uri(buffers[i]) is not { } uri)
            {
                // A buffer without a URI is the GLB's own BIN chunk (only the first may be).
                if (i != 0 || binLength is null)
                {
                    return ProcessingResult.Failed("The model is damaged: a buffer has no data (no uri and no GLB binary chunk).");
                }

                if (binLength < byteLength)
                {
                    return ProcessingResult.Failed("The GLB file is damaged: its binary chunk is shorter than its buffer.");
                }

                continue;
            }

            var failure = await AddResourceAsync(uri, byteLength, input, files, ct);
            if (failure is not null)
            {
                return ProcessingResult.Failed(failure);
            }
        }

        foreach (var image in (root["images"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (Uri(image) is { } uri && await AddResourceAsync(uri, 0, input, files, ct) is { } failure)
            {
                return ProcessingResult.Failed(failure);
            }
        }

        return new ProcessingResult(metadata, files, []);
    }

    private static string? Uri(JsonObject o) => o["uri"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static async Task<string?> AddResourceAsync(string uri, long byteLength, ProcessingInput input, List<ProducedFile> files, CancellationToken ct)
    {
        if (uri.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var shown = uri.Length > 80 ? uri[..80] + "…" : uri;
        if (System.Uri.TryCreate(uri, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https" || uri.StartsWith("//", StringComparison.Ordinal))
        {
            return $"The glTF refers to {shown}, on another site. Models must be self-contained: upload that file together with the .gltf.";
        }

        string name;
        try
        {
            name = System.Uri.UnescapeDataString(uri);
        }
        catch (UriFormatException)
        {
            name = uri;
        }

        if (!IsPlainFileName(name))
        {
            return $"The glTF refers to {shown}, which is not a file next to it. Models must be self-contained: keep its files in one folder and refer to them by name.";
        }

        if (!IsServableName(uri))
        {
            return $"The glTF refers to {shown}; file names of a model's parts may use only letters, digits, '-', '_' and '.'. Rename the file and the reference in the glTF.";
        }

        if (files.Any(f => f.Name == uri))
        {
            return null;
        }

        if (!input.Companions.TryGetValue(name, out var companion) || !File.Exists(companion))
        {
            return $"The glTF refers to {name}, which was not uploaded with it. Upload the .gltf together with its .bin and texture files.";
        }

        if (new FileInfo(companion).Length < byteLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{name} is shorter than the glTF says ({byteLength:N0} bytes): it is damaged or not the file the model was exported with.");
        }

        var path = Path.Combine(input.WorkDir, uri);
        await using (var source = File.OpenRead(companion))
        await using (var target = File.Create(path))
        {
            await source.CopyToAsync(target, ct);
        }

        files.Add(new ProducedFile(uri, path, ContentType(uri), "resource"));
        return null;
    }

    private static bool IsPlainFileName(string name) =>
        name.Length is > 0 and <= 255
        && name is not ("." or "..")
        && name.IndexOfAny(['/', '\\', ':']) < 0
        && !name.Any(char.IsControl);

    /// <summary>The names <see cref="ProducedFile.Name"/> allows: letters, digits, '-', '_' and '.'.</summary>
    private static bool IsServableName(string name) =>
        name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && name is not ("." or "..") && !name.StartsWith('.');

    private static string ContentType(string name) => Path.GetExtension(name).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".webp" => "image/webp",
        ".ktx2" => "image/ktx2",
        _ => "application/octet-stream",
    };
}
